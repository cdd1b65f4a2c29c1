"""Response headers that keep Beacon's pages from being framed, sniffed or fed foreign scripts.

The content security policy allows scripts only from Beacon itself plus the exact inline scripts Dash
writes (clientside callbacks and the renderer's start-up), by hash; styles may be inline because React
sets style attributes; images may be data: URIs (the sparklines) or blob: URLs (a chart saved as PNG).
Nothing is loaded from elsewhere.
"""

from dash import Dash


def content_security_policy(script_hashes) -> str:
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'", *script_hashes],  # Dash gives them quoted: 'sha256-…'
        "style-src": ["'self'", "'unsafe-inline'"],
        # blob: for Plotly's "Download plot as a PNG": it draws the chart's SVG into an image from a
        # blob: URL, then that image onto a canvas (the download itself is a link, which no directive governs).
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


def secure(app: Dash) -> None:
    """Send the security headers with every response."""
    fixed = {
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "same-origin",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    }
    policy = []  # worked out once, at the first response: Dash adds its pages' inline scripts at set-up

    @app.server.after_request
    def add_security_headers(response):
        if not policy:
            policy.append(content_security_policy(app.csp_hashes()))
        response.headers.setdefault("Content-Security-Policy", policy[0])
        for name, value in fixed.items():
            response.headers.setdefault(name, value)
        return response
