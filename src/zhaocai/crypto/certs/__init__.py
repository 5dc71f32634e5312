"""X.509 certificates and CRLs for both suites: names, profiles, builders (std via cryptography, gm via asn1crypto),
parsing and signature checks. The demo CA (crypto/ca.py) and the trust store (crypto/trust.py) sit on top."""
