async def test_smoke(world):
    mo = world.people["mo"]
    await world.connect("mo")
    result = await mo.slash(world.stage, "stage start", mode="request")
    print(result.response.content)
    await world.settle()
    print(world.chat())
    panel = world.panel()
    print(panel.embeds[0].to_dict())
