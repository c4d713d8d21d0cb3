package org.echorec.runtime.backend.cuda;

/**
 * Grid and block of one launch, with the shapes the kernel comments name ({@code KERNELS.md}). A grid
 * with a zero dimension means "no work": the launch is skipped (the driver rejects empty grids).
 */
public record LaunchGrid(long x, int y, int z, int blockX, int blockY, int sharedBytes) {
    /** The grid-y/z limit, and the cap of the 1-D grids ("g(n)"): grid-stride loops cover the rest. */
    public static final int MAX_GRID_YZ = 65535;

    /** "b256 × g(n)": block 256, grid min(ceil(n/256), 65535). */
    public static LaunchGrid linear(long n) {
        return new LaunchGrid(Math.min(ceil(n, 256), MAX_GRID_YZ), 1, 1, 256, 1, 0);
    }

    /** A warp per row, 8 rows per 256-thread block: grid min(ceil(rows/8), 65535). */
    public static LaunchGrid warpRows(long rows) {
        return new LaunchGrid(Math.min(ceil(rows, 8), MAX_GRID_YZ), 1, 1, 256, 1, 0);
    }

    /** A 256-thread block per row, grid min(rows, 2³¹−1) (the kernels stride over rows). */
    public static LaunchGrid blockRows(long rows) {
        return new LaunchGrid(Math.min(Math.max(rows, 0), Integer.MAX_VALUE), 1, 1, 256, 1, 0);
    }

    /** (32, 8) column or tile blocks with the given grid; static shared memory only. */
    public static LaunchGrid columns(long x, int y, int z) {
        return new LaunchGrid(x, y, z, 32, 8, 0);
    }

    /** A 1-D block of {@code block} threads on an (x, y) grid with dynamic shared memory. */
    public static LaunchGrid of(long x, int y, int block, int sharedBytes) {
        return new LaunchGrid(x, y, 1, block, 1, sharedBytes);
    }

    public static long ceil(long n, long d) {
        return n <= 0 ? 0 : (n + d - 1) / d;
    }
}
