"""The "sorted key+value, wrapped in the secret, MD5, upper-case hex" signature of the Chinese
gateways (platform-apis.md §0: TOP md5, JD, PDD), written once for every platform that needs it.

Sort every parameter except ``sign`` by name (ASCII), drop empty values (JD: an empty
``access_token`` must not be sent at all), concatenate ``name + value``, put the secret on both
sides, MD5 over UTF-8, upper-case hex. Sign exactly the text that is sent: for JD the
``360buy_param_json`` value is the JSON string as transmitted.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping


def base_string(params: Mapping[str, str]) -> str:
    """``name1value1name2value2…`` over the non-empty parameters except ``sign``, ASCII-sorted."""
    return "".join(f"{k}{v}" for k, v in sorted(params.items()) if k != "sign" and v != "")


def md5_wrapped(params: Mapping[str, str], secret: str) -> str:
    """``MD5(secret + base_string + secret)`` as upper-case hex."""
    data = (secret + base_string(params) + secret).encode("utf-8")
    return hashlib.md5(data).hexdigest().upper()
