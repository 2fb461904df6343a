using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(OpenHands.Benchmarks.EventLogBenchmarks).Assembly).Run(args);
