// Tests that train TorchSharp models share the process-wide libtorch thread pool: run classes one at a time.
[assembly: DoNotParallelize]
