"""The publishing pipeline: prepare and build a site, write it atomically, scan it, read the previous one."""
