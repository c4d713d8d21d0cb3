package org.echorec.bindings.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.echorec.bindings.Native;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CudaLibrariesTest {
    @Test
    void versionedToolkitsComeNewestFirstComparingNumbersAsNumbers(@TempDir Path root) throws IOException {
        for (String name : List.of("cuda-11.8", "cuda-12.10", "cuda-12.4", "cuda-13.0", "cuda-preview", "cudnn")) {
            Files.createDirectories(root.resolve(name));
        }
        assertEquals(List.of(root.resolve("cuda-13.0/lib64"), root.resolve("cuda-12.10/lib64"),
                        root.resolve("cuda-12.4/lib64"), root.resolve("cuda-11.8/lib64"), root.resolve("cuda-preview/lib64")),
                CudaLibraries.versionedToolkitDirectories(root));
    }

    @Test
    void wheelFoldersAreFoundInEachPythonNewestFirst(@TempDir Path lib) throws IOException {
        Files.createDirectories(lib.resolve("python3.9/site-packages/nvidia/cublas/lib"));
        Files.createDirectories(lib.resolve("python3.9/site-packages/nvidia/cuda_nvrtc/lib"));
        Files.createDirectories(lib.resolve("python3.12/site-packages/nvidia/cu13/lib"));
        Files.createDirectories(lib.resolve("python3.12/site-packages/nvidia/cufft")); // no lib: not a wheel folder
        Files.createDirectories(lib.resolve("python3.11/dist-packages")); // another kind
        List<Path> sitePackages = CudaLibraries.pythonPackageDirectories(lib, "site-packages");
        assertEquals(List.of(lib.resolve("python3.12/site-packages"), lib.resolve("python3.9/site-packages")), sitePackages);
        assertEquals(List.of(lib.resolve("python3.12/site-packages/nvidia/cu13/lib"),
                        lib.resolve("python3.9/site-packages/nvidia/cuda_nvrtc/lib"),
                        lib.resolve("python3.9/site-packages/nvidia/cublas/lib")),
                CudaLibraries.wheelLibraryDirectories(sitePackages));
    }

    @Test
    void theToolkitSymlinkComesFirstAndDebiansDirectoryIsSearched() {
        List<Path> dirs = CudaLibraries.searchDirectories();
        assertEquals(Path.of("/usr/local/cuda/lib64"), dirs.get(0));
        assertEquals(Path.of("/usr/local/cuda/targets/x86_64-linux/lib"), dirs.get(1));
        assertTrue(dirs.contains(Path.of("/usr/lib/x86_64-linux-gnu")), dirs.toString());
    }

    @Test
    void anOverrideNamingAMissingFileSaysItDoesNotExist() {
        System.setProperty("echorec.lib.cuda-override-test", "/nonexistent/libcuda.so.1");
        try {
            Native.Library lib = CudaLibraries.load("CUDA driver", "cuda-override-test", List.of("libcuda.so.1"));
            assertFalse(lib.isAvailable());
            assertEquals("CUDA driver not loaded: -Dechorec.lib.cuda-override-test names /nonexistent/libcuda.so.1,"
                    + " which does not exist", lib.unavailableReason());
        } finally {
            System.clearProperty("echorec.lib.cuda-override-test");
        }
    }
}
