from tfhub_dataset.cli import main

raise SystemExit(main())
