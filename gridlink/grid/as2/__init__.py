"""AS2 (RFC 4130): signed, encrypted and compressed EDI over HTTP, acknowledged by MDNs."""
