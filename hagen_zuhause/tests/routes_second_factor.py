"""Routes of the second factor for the permission matrix: every role may set up its own factors.

The users of the matrix have no factor: the second step sends them on (302), the recovery codes page
has nothing to show (302), the passkey ceremonies answer 400 without a begun ceremony.
"""

from tests.routes import Route, everyone

ROUTES = {
    "second_factor:account": Route(everyone(200)),
    "second_factor:verify": Route(everyone(302)),
    "second_factor:totp": Route(everyone(200)),
    "second_factor:passkey": Route(everyone(200)),
    "second_factor:recovery_codes": Route(everyone(302)),
    "otp_webauthn:credential-registration-begin": Route(everyone(200), method="post", get_not_allowed=True),
    "otp_webauthn:credential-registration-complete": Route(everyone(400), method="post", get_not_allowed=True),
    "otp_webauthn:credential-authentication-begin": Route(everyone(200), method="post", get_not_allowed=True),
    "otp_webauthn:credential-authentication-complete": Route(everyone(400), method="post", get_not_allowed=True),
    "otp_webauthn:js-i18n-catalog": Route(everyone(200)),
}
