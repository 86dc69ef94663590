"""History of the source repository: commits replayed into file lives and doc timelines
(replay), and the monthly series and dated tables built from them (series)."""
