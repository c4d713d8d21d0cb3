package org.echorec.runtime.op.random;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.echorec.runtime.backend.cpu.Cpu;
import org.echorec.runtime.backend.cpu.Parallel;
import org.echorec.runtime.backend.cpu.simd.SimdSpecies;
import org.echorec.runtime.tensor.Tensor;

/**
 * Dropout with the Vector API, bit for bit {@link RandomPlain}'s: one {@link Philox} block per long
 * lane, so a step of B = lanes/2 blocks covers 4B elements, two float vectors.
 *
 * <p>Note: long lanes. Philox multiplies 32-bit words into 64-bit products; in long lanes that is one
 * multiply of operands masked to 32 bits, which C2 on x86 compiles to a single unsigned 32×32→64
 * multiply (vpmuludq) only when it sees both operands as {@code and 0xffffffff}: the multipliers are
 * masked vectors, not constants (with a constant it emits the 64-bit vpmullq, and the kernel took 1.3×
 * as long). The high halves of the other words may hold garbage between rounds: every multiply masks
 * its operand and only low halves leave the kernel.
 *
 * <p>Note: the decision. The words of a block come out as four vectors (word w of block j in lane j),
 * while element 4j + w needs them interleaved: packing words (0, 1) and (2, 3) into longs and picking
 * from the two packed vectors with a two-vector selectFrom gives the words in element order (comparing
 * the four word vectors and interleaving the mask bits with Long.expand measured ~8% slower). Keeping
 * iff {@code (word >>> 8)·2⁻²⁴ ≥ p} is, both sides times 2²⁴ and the left an integer, keeping iff
 * {@code word ≥ ⌈p·2²⁴⌉·2⁸} unsigned; the product is exact in double and below 2³² for p below 1.
 */
public final class RandomSimd {
    private static final VectorSpecies<Float> S = SimdSpecies.F;
    private static final VectorSpecies<Long> LS = S.withLanes(long.class);
    private static final int L = S.length();
    /** Elements per step: four words of each of the LS.length() blocks. */
    private static final int STEP = 2 * L;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final long LOW = 0xffff_ffffL;
    /** Lanes of the packed (w0|w1, w2|w3) pairs in element order, for the first and second float vector. */
    private static final LongVector FIRST = interleave(0);
    private static final LongVector SECOND = interleave(LS.length() / 2);

    private RandomSimd() {}

    private static LongVector interleave(int from) {
        long[] picks = new long[LS.length()];
        for (int m = 0; m < picks.length / 2; m++) {
            picks[2 * m] = from + m;
            picks[2 * m + 1] = LS.length() + from + m;
        }
        return LongVector.fromArray(LS, picks, 0);
    }

    public static void dropout(Tensor x, float p, long seed, long offset, Tensor y) {
        MemorySegment xs = Cpu.data(x);
        MemorySegment ys = Cpu.data(y);
        float scale = 1f / (1f - p);
        Parallel.forRange(Math.toIntExact(x.numel()), RandomPlain.GRAIN,
                (from, to) -> dropout(xs, p, scale, seed, offset, ys, from, to));
    }

    private static void dropout(MemorySegment xs, float p, float scale, long seed, long offset, MemorySegment ys,
                                int from, int to) {
        Philox.Uniforms uniforms = new Philox.Uniforms(seed);
        int head = (int) Math.min(to, from + (-(offset + from) & 3));
        RandomPlain.dropout(xs, p, scale, uniforms, offset, ys, from, head);
        int bound = (int) ((long) Math.ceil(p * 0x1.0p24) << 8);
        int k0 = (int) seed;
        int k1 = (int) (seed >>> 32);
        LongVector fours = LongVector.zero(LS).addIndex(4);
        LongVector m0 = LongVector.broadcast(LS, Philox.M0).and(LOW);
        LongVector m1 = LongVector.broadcast(LS, Philox.M1).and(LOW);
        int i = head;
        for (int end = head + (to - head) / STEP * STEP; i < end; i += STEP) {
            // the block of element n is n >>> 2 in the long arithmetic of the scalar code, for any offset
            LongVector block = fours.add(offset + i).lanewise(VectorOperators.LSHR, 2);
            LongVector c0 = block;
            LongVector c1 = block.lanewise(VectorOperators.LSHR, 32);
            LongVector c2 = LongVector.zero(LS);
            LongVector c3 = LongVector.zero(LS);
            int r0 = k0;
            int r1 = k1;
            for (int round = 0; round < 10; round++) {
                LongVector p0 = c0.and(LOW).mul(m0);
                LongVector p1 = c2.and(LOW).mul(m1);
                c0 = p1.lanewise(VectorOperators.LSHR, 32).lanewise(VectorOperators.XOR, c1)
                        .lanewise(VectorOperators.XOR, r0);
                c1 = p1;
                c2 = p0.lanewise(VectorOperators.LSHR, 32).lanewise(VectorOperators.XOR, c3)
                        .lanewise(VectorOperators.XOR, r1);
                c3 = p0;
                r0 += Philox.W0;
                r1 += Philox.W1;
            }
            LongVector w01 = c0.and(LOW).or(c1.lanewise(VectorOperators.LSHL, 32));
            LongVector w23 = c2.and(LOW).or(c3.lanewise(VectorOperators.LSHL, 32));
            IntVector first = FIRST.selectFrom(w01, w23).reinterpretAsInts();
            IntVector second = SECOND.selectFrom(w01, w23).reinterpretAsInts();
            VectorMask<Float> drop0 = first.compare(VectorOperators.ULT, bound).cast(S);
            VectorMask<Float> drop1 = second.compare(VectorOperators.ULT, bound).cast(S);
            FloatVector.fromMemorySegment(S, xs, 4L * i, ORDER).mul(scale).blend(0f, drop0)
                    .intoMemorySegment(ys, 4L * i, ORDER);
            FloatVector.fromMemorySegment(S, xs, 4L * (i + L), ORDER).mul(scale).blend(0f, drop1)
                    .intoMemorySegment(ys, 4L * (i + L), ORDER);
        }
        RandomPlain.dropout(xs, p, scale, uniforms, offset, ys, i, to);
    }
}
