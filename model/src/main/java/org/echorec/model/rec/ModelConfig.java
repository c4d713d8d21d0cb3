package org.echorec.model.rec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;

/**
 * Everything that fixes a model's architecture, written to a checkpoint's {@code config.json} with
 * the reference code's key names. Defaults are the reference configurations: hidden 64, d_state 32,
 * d_conv 4, expand 2; one layer and dropout 0.2 for the Mamba models, two layers, two heads and
 * dropout 0.5 (RecBole's) for SASRec.
 *
 * @param mambaInit Mamba's own initialisation (dt log-uniform in [1e-3, 0.1] through the dt bias,
 *                  PyTorch's uniform Linear init) instead of the reference recommenders' re-init of
 *                  every Linear to N(0, 0.02) with zero bias
 */
public record ModelConfig(String model, int hiddenSize, int numLayers, int dState, int dConv, int expand,
                          int maxLen, int nItems, int nHeads, int innerSize, float dropout, float layerNormEps,
                          boolean mambaInit) {

    public static final String ECHOMAMBA4REC = "echomamba4rec";
    public static final String MAMBA4REC = "mamba4rec";
    public static final String SASREC = "sasrec";

    public ModelConfig {
        model = model.toLowerCase(Locale.ROOT);
        if (!model.equals(ECHOMAMBA4REC) && !model.equals(MAMBA4REC) && !model.equals(SASREC)) {
            throw new IllegalArgumentException("unknown model '" + model + "' (echomamba4rec, mamba4rec or sasrec)");
        }
        positive("hidden_size", hiddenSize);
        positive("num_layers", numLayers);
        positive("max_len", maxLen);
        if (nItems < 2) {
            throw new IllegalArgumentException("n_items must count the padding item and at least one item, got " + nItems);
        }
        if (model.equals(SASREC)) {
            positive("n_heads", nHeads);
            if (hiddenSize % nHeads != 0) {
                throw new IllegalArgumentException("hidden_size " + hiddenSize + " is not a multiple of n_heads " + nHeads);
            }
        } else {
            positive("d_state", dState);
            positive("d_conv", dConv);
            positive("expand", expand);
        }
        if (model.equals(ECHOMAMBA4REC) && numLayers != 1) {
            // the reference nests num_layers Mamba pairs inside each of num_layers layers; only the
            // configuration it was published with (one layer) is reproduced here
            throw new IllegalArgumentException("echomamba4rec supports num_layers 1 (the published configuration)");
        }
        if (dropout < 0 || dropout >= 1) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        }
    }

    private static void positive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }

    /** The reference defaults of {@code model} for a catalogue of {@code nItems} (padding included). */
    public static ModelConfig defaults(String model, int nItems, int maxLen) {
        String name = model.toLowerCase(Locale.ROOT);
        boolean sasrec = name.equals(SASREC);
        return new ModelConfig(name, 64, sasrec ? 2 : 1, 32, 4, 2, maxLen, nItems, 2, 256,
                sasrec ? 0.5f : 0.2f, 1e-12f, false);
    }

    public int dInner() {
        return expand * hiddenSize;
    }

    public int dtRank() {
        return (hiddenSize + 15) / 16;
    }

    public ModelConfig withHidden(int value) {
        return new ModelConfig(model, value, numLayers, dState, dConv, expand, maxLen, nItems, nHeads, 4 * value,
                dropout, layerNormEps, mambaInit);
    }

    public ModelConfig withLayers(int value) {
        return new ModelConfig(model, hiddenSize, value, dState, dConv, expand, maxLen, nItems, nHeads, innerSize,
                dropout, layerNormEps, mambaInit);
    }

    public ModelConfig withDropout(float value) {
        return new ModelConfig(model, hiddenSize, numLayers, dState, dConv, expand, maxLen, nItems, nHeads, innerSize,
                value, layerNormEps, mambaInit);
    }

    public ModelConfig withDState(int value) {
        return new ModelConfig(model, hiddenSize, numLayers, value, dConv, expand, maxLen, nItems, nHeads, innerSize,
                dropout, layerNormEps, mambaInit);
    }

    public ModelConfig withMambaInit(boolean value) {
        return new ModelConfig(model, hiddenSize, numLayers, dState, dConv, expand, maxLen, nItems, nHeads, innerSize,
                dropout, layerNormEps, value);
    }

    public ObjectNode toJson() {
        ObjectNode o = new ObjectMapper().createObjectNode();
        o.put("model", model);
        o.put("hidden_size", hiddenSize);
        o.put("num_layers", numLayers);
        o.put("d_state", dState);
        o.put("d_conv", dConv);
        o.put("expand", expand);
        o.put("max_len", maxLen);
        o.put("n_items", nItems);
        o.put("n_heads", nHeads);
        o.put("inner_size", innerSize);
        o.put("dropout", dropout);
        o.put("layer_norm_eps", layerNormEps);
        o.put("mamba_init", mambaInit);
        return o;
    }

    public static ModelConfig fromJson(JsonNode o) {
        String model = required(o, "model").asText();
        ModelConfig d = defaults(model, required(o, "n_items").asInt(), required(o, "max_len").asInt());
        return new ModelConfig(model,
                o.path("hidden_size").asInt(d.hiddenSize),
                o.path("num_layers").asInt(d.numLayers),
                o.path("d_state").asInt(d.dState),
                o.path("d_conv").asInt(d.dConv),
                o.path("expand").asInt(d.expand),
                d.maxLen, d.nItems,
                o.path("n_heads").asInt(d.nHeads),
                o.path("inner_size").asInt(d.innerSize),
                (float) o.path("dropout").asDouble(d.dropout),
                (float) o.path("layer_norm_eps").asDouble(d.layerNormEps),
                o.path("mamba_init").asBoolean(false));
    }

    private static JsonNode required(JsonNode o, String key) {
        JsonNode v = o.get(key);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException("config.json has no '" + key + "'");
        }
        return v;
    }
}
