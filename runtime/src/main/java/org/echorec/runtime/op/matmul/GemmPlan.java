package org.echorec.runtime.op.matmul;

/**
 * The shape decisions of the Vector API GEMM, kept apart from the vector code so they can be read and
 * tested on their own: tile and block sizes, and which dimension the threads divide.
 *
 * <p>Note: GEMM threading. Threads must not write the same C elements, and whatever a thread packs it
 * packs for itself (no barriers). So each way of dividing the work duplicates something:
 * <ul>
 *   <li>split M: every thread packs all of B (cheap when B is small: the activations times a weight);</li>
 *   <li>split N: every thread packs all of A (the scoring shape, 2048×64 times a 12102-column B);</li>
 *   <li>split K: every thread sums a K range into its own partial C, and the partials are added at the
 *       end (the weight gradient {@code dW = dYᵀ·X}: C is 64..256 square and K is the 100k rows of
 *       the batch; splitting M there would stream the 100 MB B from memory once per thread).</li>
 * </ul>
 * {@link #split} estimates each in cycles per thread (multiply-adds at two vector FMAs a cycle, plus
 * packing and the partial-sum pass at rough per-element costs, plus the padding of partial tiles) and
 * takes the cheapest. The estimates only need to rank the options, not predict the time. The split
 * dimension is then cut into about four {@link #chunk chunks} per thread that the threads take one by
 * one, not into one fixed range each: on a machine where other processes compete for the cores, one
 * thread often starts or runs late, and with fixed ranges the whole product waited for it (1024³ on
 * two threads ran at 1.2× one thread; the best runs showed 2×).
 */
final class GemmPlan {
    /** Rows of the micro-tile; see {@code GemmKernel}. */
    static final int MR = 6;
    /** Vectors per row of the micro-tile: NR = 4·lanes columns. */
    static final int NR_VECTORS = 4;
    /** Longest K block: a 6×256 strip of A is 6 KiB (L1) and a 256-row B panel 64 KiB at 512 bits. */
    static final int KC = 256;
    /** Packed B block, in floats: 512 KiB, half of a 1 MiB L2, so B stays there while A streams. */
    static final int B_BLOCK_FLOATS = 128 * 1024;
    /** Rows of an untransposed A packed at a time (a multiple of MR): A's rows are copied as they are. */
    static final int MC = 96;
    /**
     * Rows of a transposed A packed at a time (a multiple of MR): all of M for the weight gradients
     * (M ≤ 256), so each row of K is read once, whole and in order, while the block (≤ 264 KiB) stays in L2.
     */
    static final int MC_TRANSPOSED = 264;
    /** Below this many multiply-adds one thread is faster than waking another. */
    static final long PARALLEL_MIN = 1L << 21;

    /** Largest C (in elements) that {@link #computeTransposed} lets go through a scratch copy. */
    static final long TRANSPOSED_MAX = 1L << 20;

    /**
     * Whether to compute {@code Cᵀ = op(B)ᵀ·op(A)ᵀ} and transpose it into C. The kernel reads the B side
     * in place and packs the A side; with both operands K-major ({@code Aᵀ·B}, the weight gradient)
     * and M > N the big operand would be the packed one, a pass over 100 MB before any multiply-add.
     * Exchanging the roles lets the kernel stream it instead, for the price of writing a small C twice.
     */
    static boolean computeTransposed(boolean transA, boolean transB, int m, int n, int k) {
        return transA && !transB && m > n && k >= KC && (long) m * n <= TRANSPOSED_MAX;
    }

    /** Which dimension the threads divide. */
    enum Split { NONE, M, N, K }

    private static final double PACK_COPY = 0.25;
    private static final double PACK_TRANSPOSE = 1.0;
    private static final double REDUCE = 1.0;

    private GemmPlan() {}

    /** Number of K blocks: the fewest of at most KC, evened out so no block is a sliver. */
    static int kBlocks(int k) {
        return Math.max(1, ceilDiv(k, KC));
    }

    /** Start of K block {@code p} of {@code blocks} over {@code [k0, k0 + k)}. */
    static int kStart(int k0, int k, int blocks, int p) {
        return k0 + (int) ((long) k * p / blocks);
    }

    /**
     * The size of the chunks that {@code threads} threads take one by one from {@code n} (rows,
     * columns or K): about four per thread, so a thread held up costs at most a chunk's time, and a
     * multiple of {@code unit} (the tile side or KC), at least {@code minUnits} units so each chunk
     * packs its B or A for a good share of work.
     */
    static int chunk(int n, int unit, int minUnits, int threads) {
        return roundUp(Math.max(minUnits * unit, ceilDiv(n, 4 * threads)), unit);
    }

    /** Columns per packed B block for a K block of {@code kc}: a multiple of {@code nr}. */
    static int nc(int kc, int nr) {
        return Math.max(nr, B_BLOCK_FLOATS / Math.max(1, kc) / nr * nr);
    }

    /**
     * The cheapest way for {@code threads} threads to share an {@code m×n×k} product, for a micro-tile
     * of {@code MR × 4·lanes}; {@code transB} makes packing B a transposition.
     */
    static Split split(int m, int n, int k, int threads, int lanes, boolean transB) {
        if (threads <= 1 || (long) m * n * k < PARALLEL_MIN) {
            return Split.NONE;
        }
        int nr = NR_VECTORS * lanes;
        double bPack = transB ? PACK_TRANSPOSE : PACK_COPY;
        Split best = Split.NONE;
        double bestCost = cost(m, n, k, 1, lanes, bPack);
        int strips = ceilDiv(m, MR);
        int partsM = Math.min(threads, strips);
        double costM = cost(ceilDiv(strips, partsM) * MR, n, k, 1, lanes, bPack);
        if (partsM > 1 && costM < bestCost) {
            best = Split.M;
            bestCost = costM;
        }
        int panels = ceilDiv(n, nr);
        int partsN = Math.min(threads, panels);
        double costN = cost(m, ceilDiv(panels, partsN) * nr, k, 1, lanes, bPack);
        if (partsN > 1 && costN < bestCost) {
            best = Split.N;
            bestCost = costN;
        }
        int partsK = Math.min(threads, k / KC);
        double costK = cost(m, n, ceilDiv(k, Math.max(1, partsK)), partsK, lanes, bPack);
        if (partsK > 1 && costK < bestCost) {
            best = Split.K;
        }
        return best;
    }

    /**
     * Estimated cycles of one thread's share: an {@code m×n×k} product (padded to whole tiles), packing
     * its B once and its A once per B block, and, for {@code kParts > 1}, adding the partial sums.
     */
    private static double cost(int m, int n, int k, int kParts, int lanes, double bPack) {
        int nr = NR_VECTORS * lanes;
        double tiles = (double) ceilDiv(m, MR) * MR * ceilDiv(n, nr) * nr;
        double multiplyAdds = tiles * k / (2.0 * lanes);
        int bBlocks = ceilDiv(n, nc(Math.min(k, KC), nr));
        double packing = (double) k * n * bPack + (double) m * k * PACK_COPY * bBlocks;
        double reduce = kParts > 1 ? (double) m * n * kParts * REDUCE : 0;
        return multiplyAdds + packing + reduce;
    }

    static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    static int roundUp(int a, int b) {
        return ceilDiv(a, b) * b;
    }
}
