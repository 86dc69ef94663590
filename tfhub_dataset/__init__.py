"""tfhub-dataset: the TensorFlow Hub publisher community as versioned Frictionless packages."""

__version__ = "1.0.0"

REPOSITORY = "tensorflow/tfhub.dev"
REPOSITORY_URL = "https://github.com/tensorflow/tfhub.dev"
PROJECT_URL = "https://github.com/tfhub-dataset/tfhub-dataset"
