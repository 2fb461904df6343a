namespace OpenHands.Sdk;
