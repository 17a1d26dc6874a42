// Each browser test runs its own server and Chromium; on a 2-core machine running them side by side
// only makes every one slower and its timeouts tighter.
[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]
