"""A customer's recurring signature, learnt from their earlier messages (as
Zammad does): the block of last lines their messages share. It catches
signatures the generic rules cannot (no "-- " delimiter, no phone, no
sign-off word) without guessing from one message alone."""

TAIL = 8  # a signature sits in the last lines


def _tail(text):
    return [line.strip() for line in (text or "").splitlines() if line.strip()][-TAIL:]


def learn_signature(texts, minimum=2):
    """The signature shared by the ends of ``texts`` (newest first), or "".

    A line belongs to it when it ends at least ``minimum`` messages and half
    of them; the signature is the longest run of such lines ending the newest
    message that has one, and never the whole of a message."""
    tails = [tail for tail in map(_tail, texts) if tail]
    if len(tails) < minimum:
        return ""
    needed = max(minimum, (len(tails) + 1) // 2)
    counts = {}
    for tail in tails:
        for line in set(tail):
            counts[line] = counts.get(line, 0) + 1
    common = {line for line, count in counts.items() if count >= needed}
    for tail in tails:
        block = []
        for line in reversed(tail):
            if line not in common:
                break
            block.insert(0, line)
        if block and len(block) < len(tail):
            return "\n".join(block)
    return ""


def strip_signature(text, signature):
    """``text`` without the learnt ``signature`` lines at its end; unchanged
    when nothing would be left."""
    if not signature or not text:
        return text
    known = set(signature.splitlines())
    lines = text.rstrip().splitlines()
    end = len(lines)
    while end and (not lines[end - 1].strip() or lines[end - 1].strip() in known):
        end -= 1
    if end == len(lines) or not any(line.strip() for line in lines[:end]):
        return text
    return "\n".join(lines[:end]).rstrip()
