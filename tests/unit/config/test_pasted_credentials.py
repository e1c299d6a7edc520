"""A credential pasted into a `*_env` key is refused at load, named by its shape, never repeated.

The shapes are the platforms' published credential formats: Graph access tokens start with
`EAA`; X's consumer keys (25), consumer secrets (50) and access token secrets (45) are letters
and digits, its access tokens `<user id>-<letters and digits>`, its app-only bearer tokens a run
of `A` then URL-escaped base64; Google's OAuth client secrets start with `GOCSPX-`, its refresh
tokens with `1//` and access tokens with `ya29.`; Bluesky's app passwords are `xxxx-xxxx-xxxx-xxxx`;
a Meta app secret is 32 hexadecimal digits. The values below are made up in those shapes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from modaudit.config import ConfigError, load_config
from modaudit.config_rules import credential_shape, env_name_problem

X_CONSUMER_KEY = "xvz1evFS4wEEPTGEFPHBog"  # 22 to 25 letters and digits
X_CONSUMER_SECRET = "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw"
X_ACCESS_TOKEN = "1861000000000000001-Zq8Ln3Wc5Vb7Xk2Mj4Hg6Fd9Sa1Pq"
X_ACCESS_SECRET = "Wq3Er5Ty7Ui9Op1As3Df5Gh7Jk9Lz1Xc3Vb5Nm7Qw9Er1Ty3"
X_BEARER = "AAAAAAAAAAAAAAAAAAAAAMLheAAAAAAA0%2BuSeid%2BULvsea4JtiGRiSDSJSI%3DEUifiRBkKG5E2XzMDjRfl76"
GRAPH_TOKEN = "EAAG" + "Zk3xQ9wPq" * 20
GRAPH_SHORT = "EAAGexpiredtoken123"  # alphanumeric and short: looks like a name but for its prefix
GOOGLE_CLIENT_SECRET = "GOCSPX-3fT9kLm2Qw7Zx1Yv5Bn8Hj4Gd6"
GOOGLE_REFRESH = "1//0gLk2fT9kLm2Qw7Zx1Yv5Bn8Hj4Gd6CgYIARAAGBASNwF"
GOOGLE_ACCESS = "ya29.a0AfB_byC3fT9kLm2Qw7Zx1Yv5Bn8Hj4Gd6"
BLUESKY_APP_PASSWORD = "k3x9-q7wz-m2p4-v8rt"
META_APP_SECRET = "d41d8cd98f00b204e9800998ecf8427e"

ACCOUNT = """
[[accounts]]
name = "hesap"
platform = "{platform}"
account_id = "123"
institution = "Örnek Valiliği"
{key} = "{value}"
"""
X_REST = ('consumer_key_env = "K"\nconsumer_secret_env = "S"\naccess_token_env = "A"\n'
          'access_token_secret_env = "B"\n')

CASES = [  # (where the value was pasted, the value, the shape the message names)
    ("page_token_env", GRAPH_TOKEN, "Graph access token"),
    ("page_token_env", GRAPH_SHORT, "Graph access token"),
    ("consumer_key_env", X_CONSUMER_KEY, "API key or secret"),
    ("consumer_secret_env", X_CONSUMER_SECRET, "API key or secret"),
    ("access_token_env", X_ACCESS_TOKEN, "X access token"),
    ("access_token_secret_env", X_ACCESS_SECRET, "API key or secret"),
    ("bearer_token_env", X_BEARER, "X bearer token"),
    ("smtp.password_env", GOOGLE_CLIENT_SECRET, "OAuth client secret"),
    ("smtp.username_env", GOOGLE_REFRESH, "OAuth refresh token"),
    ("timestamp.password_env", GOOGLE_ACCESS, "OAuth access token"),
    ("web.session_secret_env", BLUESKY_APP_PASSWORD, "app password"),
    ("meta_webhook.app_secret_env", META_APP_SECRET, "API key or secret"),
]


def _body(key: str, value: str) -> tuple[str, str]:
    """A configuration with `value` in `key`, and the key path its error must name."""
    if "." in key:
        section, name = key.split(".")
        extra = ('username_env = "U"\n' if key == "timestamp.password_env" else
                 'password_env = "P"\n' if key == "timestamp.username_env" else "")
        return f"[{section}]\n{name} = \"{value}\"\n{extra}", key
    platform = "facebook" if key == "page_token_env" else "x"
    body = ACCOUNT.format(platform=platform, key=key, value=value)
    if platform == "x" and key != "bearer_token_env":
        body += "\n".join(line for line in X_REST.splitlines() if not line.startswith(key)) + "\n"
    return body, f"account 'hesap' {key}"


@pytest.mark.parametrize(("key", "value", "shape"), CASES, ids=[f"{c[0]}-{c[2]}" for c in CASES])
def test_each_pasted_credential_is_refused_by_shape_and_never_repeated(
        tmp_path: Path, key: str, value: str, shape: str) -> None:
    body, key_path = _body(key, value)
    path = tmp_path / "modaudit.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert message.startswith(f"{key_path}: is not a variable name"), message
    assert f"got {len(value)} characters shaped like" in message and shape in message
    # Not the value, nor any 8 characters of it (a prefix such as EAAG is allowed: it is a shape).
    pieces = {value[i:i + 8] for i in range(0, len(value) - 7)}
    assert not [piece for piece in pieces if piece in message], message


@pytest.mark.parametrize("name", [
    "VALILIK_FB_PAGE_TOKEN", "VALILIK_X_CONSUMER_SECRET", "VALILIK_X_ACCESS_TOKEN_SECRET",
    "MODAUDIT_WEB_SESSION_SECRET", "MODAUDIT_META_APP_SECRET", "MODAUDIT_DEMO_X_1_CONSUMER_KEY",
    "TEST_X_0_ACCESS_TOKEN_SECRET", "FB_TOKEN", "X_TOKEN", "T", "_private", "lower_case_2",
    "EAA_TOKEN", "A" * 64, "PAGE2TOKEN", "FLEET_TOKEN_12",
])
def test_ordinary_variable_names_pass(name: str) -> None:
    assert credential_shape(name) is None


def test_the_example_configuration_names_only_variables() -> None:
    example = Path(__file__).resolve().parents[3] / "config.example.toml"
    config = load_config(example)  # every *_env value in it is a name, so this loads
    assert config.accounts and all(credential_shape(a.name) is None for a in config.accounts)


def test_a_credential_typed_as_an_account_name_is_not_repeated(tmp_path: Path) -> None:
    path = tmp_path / "modaudit.toml"
    path.write_text(ACCOUNT.format(platform="facebook", key="page_token_env", value="PAGE_TOKEN"),
                    encoding="utf-8")
    config = load_config(path)
    for value in (X_CONSUMER_KEY, GRAPH_SHORT):  # e.g. `modaudit scan <pasted by mistake>`
        with pytest.raises(ConfigError) as caught:
            config.account(value)
        assert value not in str(caught.value) and "not shown" in str(caught.value)


def test_a_name_that_looks_like_a_key_is_told_how_to_pass() -> None:
    # A real variable's name can look random (one long run of letters): the refusal says how to
    # name it so that it passes, without repeating it.
    name = "ankarabuyuksehirbelediyesi"
    problem = env_name_problem(name)
    assert problem is not None and name not in problem
    assert "split by _" in problem
    assert env_name_problem("ANKARA_BUYUKSEHIR_BELEDIYESI") is None
