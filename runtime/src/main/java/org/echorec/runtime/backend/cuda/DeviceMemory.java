package org.echorec.runtime.backend.cuda;

/**
 * The device allocator underneath the cache: {@code cuMemAlloc}/{@code cuMemFree}/{@code cuMemGetInfo}
 * in the backend, a counting fake in tests.
 */
interface DeviceMemory {
    /** The address of {@code bytes} of new device memory, or 0 when the device has no room for them. */
    long allocate(long bytes);

    /** Returns a block that {@link #allocate} gave. */
    void free(long address);

    /** Free bytes on the device now. */
    long freeBytes();

    /** All bytes of the device. */
    long totalBytes();
}
