package org.echorec.runtime.op.random;

/**
 * Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC'11): a counter-based
 * generator, so the random number of element i is a pure function of (seed, i). Any thread, and any
 * device, draws the same dropout mask for the same seed and offset, in any order and split.
 *
 * <p>Note: stream layout. Element n of a stream (n = offset + index) takes word {@code n mod 4} of the
 * block with counter {@code (lo32(n/4), hi32(n/4), stream, 0)} and key {@code (lo32(seed), hi32(seed))};
 * stream 0 feeds uniforms (dropout), stream 1 normals (one block per element, Box–Muller on its first
 * two words). A uniform is the top 24 bits of its word times 2⁻²⁴, exact in float, in [0, 1). A GPU
 * kernel implements the same layout.
 */
public final class Philox {
    static final int M0 = 0xD2511F53;
    static final int M1 = 0xCD9E8D57;
    static final int W0 = 0x9E3779B9;
    static final int W1 = 0xBB67AE85;
    static final int UNIFORM_STREAM = 0;
    static final int NORMAL_STREAM = 1;
    private static final float TWO_POW_MINUS_24 = 0x1.0p-24f;

    private Philox() {}

    /** The four output words of one block, written to {@code out[0..3]}. */
    public static void block(int c0, int c1, int c2, int c3, int k0, int k1, int[] out) {
        for (int round = 0; round < 10; round++) {
            long p0 = (M0 & 0xffffffffL) * (c0 & 0xffffffffL);
            long p1 = (M1 & 0xffffffffL) * (c2 & 0xffffffffL);
            int hi0 = (int) (p0 >>> 32);
            int lo0 = (int) p0;
            int hi1 = (int) (p1 >>> 32);
            int lo1 = (int) p1;
            c0 = hi1 ^ c1 ^ k0;
            c1 = lo1;
            c2 = hi0 ^ c3 ^ k1;
            c3 = lo0;
            k0 += W0;
            k1 += W1;
        }
        out[0] = c0;
        out[1] = c1;
        out[2] = c2;
        out[3] = c3;
    }

    /** Maps a random word to a float uniform in [0, 1). */
    public static float toUniform(int word) {
        return (word >>> 8) * TWO_POW_MINUS_24;
    }

    /** The uniform of element {@code n} of the uniform stream (slow path; kernels use a {@link Uniforms}). */
    public static float uniform(long seed, long n) {
        return new Uniforms(seed).at(n);
    }

    /**
     * Reads the uniform stream of one seed at increasing positions, computing each block of four once.
     * One per thread.
     */
    public static final class Uniforms {
        private final long seed;
        private final int[] words = new int[4];
        private long cachedBlock = -1;

        public Uniforms(long seed) {
            this.seed = seed;
        }

        /** The uniform of element {@code n}. */
        public float at(long n) {
            long blockIndex = n >>> 2;
            if (blockIndex != cachedBlock) {
                block((int) blockIndex, (int) (blockIndex >>> 32), UNIFORM_STREAM, 0, (int) seed, (int) (seed >>> 32),
                        words);
                cachedBlock = blockIndex;
            }
            return toUniform(words[(int) (n & 3)]);
        }
    }

    /** The standard normal of element {@code n} of the normal stream. */
    public static float normal(long seed, long n, int[] scratch) {
        block((int) n, (int) (n >>> 32), NORMAL_STREAM, 0, (int) seed, (int) (seed >>> 32), scratch);
        double u1 = ((scratch[0] >>> 8) + 1) * 0x1.0p-24; // (0, 1]: log stays finite
        double u2 = (scratch[1] >>> 8) * 0x1.0p-24;
        return (float) (Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2));
    }
}
