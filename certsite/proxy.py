"""The client's address and scheme, believed only from proxies we were told to trust.

``X-Forwarded-For`` and ``X-Forwarded-Proto`` are ordinary request headers: any client can
send them. Only when the connection comes from one of ``TRUSTED_PROXIES`` (the
``DJANGO_TRUSTED_PROXIES`` setting) do they mean anything: then the client is the
right-most forwarded address that is not itself a trusted proxy (everything left of it
was written by the client and may be invented), and ``X-Forwarded-Proto`` stays for
``SECURE_PROXY_SSL_HEADER``. From anyone else both headers are removed, so sign-in
throttling, the suggestion limit and HTTPS detection all see the real connection.

This middleware comes first, so everything after it reads ``REMOTE_ADDR`` as the client.
"""

import ipaddress

from django.conf import settings

_Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(entries: list[str]) -> list[_Network]:
    """ "10.0.0.5", "10.0.0.0/8", "::1" → networks; raises ValueError for anything else."""
    return [ipaddress.ip_network(entry.strip(), strict=False) for entry in entries]


def _address(text: str):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address, networks) -> bool:
    return address is not None and any(address in network for network in networks)


def client_address(remote_addr: str, forwarded_for: str, networks: list[_Network]) -> str:
    """The client's address: ``remote_addr`` unless a trusted proxy says otherwise."""
    if not _trusted(_address(remote_addr), networks):
        return remote_addr
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            # Not an address, so not written by a proxy we trust: stop believing here.
            return remote_addr
        if not _trusted(address, networks):
            return str(address)
    # Every hop is one of our proxies: the left-most is the nearest to the client.
    return str(_address(hops[0])) if hops else remote_addr


class TrustedProxyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.networks = parse_networks(settings.TRUSTED_PROXIES)

    def __call__(self, request):
        meta = request.META
        remote = meta.get("REMOTE_ADDR", "")
        if _trusted(_address(remote), self.networks):
            meta["REMOTE_ADDR"] = client_address(
                remote, meta.get("HTTP_X_FORWARDED_FOR", ""), self.networks
            )
        else:
            meta.pop("HTTP_X_FORWARDED_FOR", None)
            meta.pop("HTTP_X_FORWARDED_PROTO", None)
        return self.get_response(request)


def client_ip(request) -> str:
    """django-axes' address of the client (AXES_CLIENT_IP_CALLABLE): the middleware's."""
    return request.META.get("REMOTE_ADDR", "")
