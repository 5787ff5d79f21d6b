from tests.slack.conftest import ADMIN, ALEX, live_session


async def test_start_and_ask(slack):
    await live_session(slack, "request")
    await slack.command(ALEX, "ask I have a question")
    print(slack.fake.calls)
    assert "number 1" in " ".join(slack.fake.told(ALEX))
    assert ADMIN
