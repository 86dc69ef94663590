"""Where snapshots come from: GitHub (crawler) or a local tarball or folder."""
