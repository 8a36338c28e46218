"""The pull-request workflow: author, approve, check, preview, history from git, init, deploys."""
