"""JD gateway and business error codes → ``ErrorKind``, as tables (platform-apis.md §2.6).

Gateway errors arrive as HTTP 200
``{"error_response": {"code": "<string>", "zh_desc", "en_desc"}}``; business errors as HTTP 200
with outer ``code: "0"`` and ``queryResult.code != 200`` (an int).
The app key codes 16/17 are unconfirmed **[U]** (the fixture's ``jd_missing_app_key_code`` /
``jd_invalid_app_key_code``); an unknown gateway code is treated as our own mistake (CLIENT).
"""

from __future__ import annotations

from crawler.platforms.base import ApiError, ErrorKind

#: Gateway ``error_response.code`` → (kind, credential a person should check, or None).
GATEWAY: dict[str, tuple[ErrorKind, str | None]] = {
    "1": (ErrorKind.SERVER, None),  # Service Unavailable (the gateway's own 5xx)
    "2": (ErrorKind.QUOTA, None),  # App Call Limited: no wait is given; back off
    "4": (ErrorKind.CLIENT, None),  # missing version
    "5": (ErrorKind.CLIENT, None),  # unsupported version
    "7": (ErrorKind.CLIENT, None),  # missing timestamp
    "8": (ErrorKind.CLIENT, None),  # timestamp outside ±6 min: our clock or our time zone
    "11": (ErrorKind.AUTH, "app_secret"),  # missing signature
    "12": (ErrorKind.AUTH, "app_secret"),  # invalid signature: a wrong secret
    "14": (ErrorKind.CLIENT, None),  # missing method
    "15": (ErrorKind.CLIENT, None),  # unknown method
    "16": (ErrorKind.AUTH, "app_key"),  # missing app key [U]
    "17": (ErrorKind.AUTH, "app_key"),  # invalid app key (also: the app was switched off) [U]
    "19": (ErrorKind.AUTH, "access_token"),  # access token invalid or expired [I]
}

#: Business ``queryResult.code`` → kind (200 is success).
BUSINESS: dict[int, tuple[ErrorKind, str | None]] = {
    400: (ErrorKind.CLIENT, None),  # bad or too many parameters
    403: (ErrorKind.PERMISSION, "app_key"),  # 无访问权限: the app lacks this API (goods.query)
    411: (ErrorKind.CLIENT, None),  # sceneId mismatch
    500: (ErrorKind.SERVER, None),
}


def gateway_error(code: str, message: str) -> ApiError:
    kind, credential = GATEWAY.get(code, (ErrorKind.CLIENT, None))
    return ApiError(kind, code, message, setting=credential)


def business_error(code: int, message: str) -> ApiError:
    kind, credential = BUSINESS.get(code, (ErrorKind.SERVER if code >= 500 else ErrorKind.CLIENT,
                                           None))
    return ApiError(kind, str(code), message, setting=credential)
