namespace OpenHands.Sdk.Tests;
public class SmokeTests { [Test] public void Works() => 1.Should().Be(1); }
