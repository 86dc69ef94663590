"""tfhub-dataset: model-hub publisher communities as versioned Frictionless packages."""

from pathlib import Path

__version__ = "2.0.0"

# The project folder: build/ (pins, annotations, caches), schemas/, releases/.
ROOT = Path(__file__).resolve().parent.parent
PROJECT_URL = "https://github.com/tfhub-dataset/tfhub-dataset"
