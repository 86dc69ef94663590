"""tfhub-dataset: the TensorFlow Hub model-publisher community as versioned Frictionless data packages."""

__version__ = "1.0.0"

REPOSITORY = "tensorflow/tfhub.dev"
REPOSITORY_URL = "https://github.com/tensorflow/tfhub.dev"
PROJECT_URL = "https://github.com/tfhub-dataset/tfhub-dataset"
