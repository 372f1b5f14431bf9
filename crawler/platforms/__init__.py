"""One package per platform (API signing, requests, readers, page objects), plus shared page
parsing. See base.py."""
