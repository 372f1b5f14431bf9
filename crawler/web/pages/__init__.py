"""Dashboard pages (HTML, server-rendered, no script), one router per resource."""
