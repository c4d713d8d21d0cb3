package org.echorec.model.rec;

import org.echorec.model.nn.Params;
import org.echorec.runtime.backend.Backend;

/** Builds a recommender from its configuration. */
public final class Recommenders {
    private Recommenders() {}

    /** A freshly initialised model; the same seed gives the same parameters. */
    public static SequentialRecommender create(ModelConfig config, Backend backend, long seed) {
        Params params = new Params(backend, seed);
        try {
            return switch (config.model()) {
                case ModelConfig.MAMBA4REC -> new Mamba4Rec(params, config);
                case ModelConfig.ECHOMAMBA4REC -> new EchoMamba4Rec(params, config);
                case ModelConfig.SASREC -> new SasRec(params, config);
                default -> throw new IllegalArgumentException("unknown model " + config.model());
            };
        } catch (RuntimeException e) {
            params.close();
            throw e;
        }
    }
}
