"""tfhub-dataset: the TensorFlow Hub publisher community as versioned Frictionless packages."""

from pathlib import Path

__version__ = "2.0.0"

# The project folder: build/ (pins, annotations, caches), schemas/, releases/.
ROOT = Path(__file__).resolve().parent.parent

REPOSITORY = "tensorflow/tfhub.dev"
REPOSITORY_URL = "https://github.com/tensorflow/tfhub.dev"
PROJECT_URL = "https://github.com/tfhub-dataset/tfhub-dataset"
