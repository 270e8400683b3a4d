package io.mcpai.inference.engine;

import ai.djl.Device;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.IValue;
import io.mcpai.inference.model.LlamaConfig;
import io.mcpai.inference.model.ModelWeights;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The LLaMA forward pass on DJL's PyTorch engine. Every JNI call costs microseconds, so the weights
 * are rearranged once at load to keep the op count per layer small:
 *
 * <ul>
 *   <li>RMSNorm weights are folded into the columns of the projection that follows it;
 *   <li>q, k, v and the rotate-half images of q and k are one matrix, so RoPE is one multiply by a
 *       [cos | sin | 1] row and one add; the attention scale 1/sqrt(head) is folded into q;
 *   <li>gate and up are one matrix.
 * </ul>
 *
 * The ops themselves run as TorchScript methods ({@link LlamaScript}, {@code
 * llama_step.torchscript}): a whole decode step, a whole prompt, the head, each one call into
 * libtorch. Decoding steps batch every running sequence through the projections, attention and MLP:
 * all sequences share one KV cache tensor per layer, a slot each, written in place.
 *
 * <p>On CPU the projection weights are packed once at load into oneDNN's blocked layout (F32 or
 * bf16), so each matmul runs oneDNN's inner product without re-laying the weights out. With {@link
 * DataType#BFLOAT16} the weights (converted natively at load: DJL cannot create bf16 arrays) and
 * the KV cache are bf16 while activations and norms stay F32; each matmul casts its rows to bf16
 * and oneDNN runs it with AVX512-BF16 where the CPU has it.
 */
public final class DjlLlama implements LlamaEngine {
  private static final Logger log = LoggerFactory.getLogger(DjlLlama.class);
  private final LlamaConfig c;
  private final NDManager manager;
  private final Device device;
  private final DataType dtype; // the weights' type
  private final DataType activations; // everything else: the weights' type, F32 for bf16 weights
  // c10::ScalarType of the KV cache: the weights' type. bf16 keys and values halve the cache's
  // memory traffic and put attention on oneDNN's AVX512 kernels instead of MKL's generic sgemv
  // (MKL takes its default code path on AMD CPUs).
  private final long cacheType;
  private final LlamaScript script;
  private boolean packForOneDnn; // CPU weights in oneDNN's layout (F32, bf16); see pack
  // Projections are uploaded transposed, [in, out]: x.matMul(w) on GPU, and on CPU the script's
  // pack turns them into oneDNN's blocked [out, in] layout.
  private final IValue embedV; // [vocab, dim]
  private final IValue wqkvV; // per layer [dim, 2(dim+kv)+kv]: q, k, rot(q), rot(k), v; norm folded
  private final IValue woV; // per layer [dim, dim]
  private final IValue wguV; // per layer [dim, 2*hidden]: gate, up; norm folded in
  private final IValue wdV; // per layer [hidden, dim]
  private final IValue headV; // [dim, vocab]; final norm folded in
  private final IValue cosV; // [positions, head]: per position the half-head table twice
  private final IValue sinV;
  // dim, kv dim, kv heads, query heads per kv head, head size, hidden, q + k heads (RoPE repeats)
  private final IValue dimsV;
  private final IValue epsV;

  public DjlLlama(ModelWeights w, Device device, DataType dtype) {
    this(w, device, dtype, true);
  }

  /**
   * {@code packWeights} false keeps CPU weights plain, multiplied by libtorch's matmul as on GPU
   * (for tests of that path, and to compare).
   */
  public DjlLlama(ModelWeights w, Device device, DataType dtype, boolean packWeights) {
    this.c = w.config();
    this.device = device;
    this.dtype = dtype;
    this.activations = dtype == DataType.BFLOAT16 ? DataType.FLOAT32 : dtype;
    this.cacheType = scalarType(dtype);
    this.manager = NDManager.newBaseManager(device);
    this.script = LlamaScript.load((PtNDManager) manager);
    this.packForOneDnn =
        packWeights
            && Device.Type.CPU.equals(device.getDeviceType())
            && (dtype == DataType.FLOAT32 || dtype == DataType.BFLOAT16);
    // Loading runs libtorch ops (conversions, packing) in parallel regions, and libgomp keeps a
    // worker pool for each thread that starts one. Done on the caller's thread, that pool would
    // live beside the scheduler thread's: with more pool threads than cores libgomp stops
    // spinning between regions, and each op then waits for sleeping workers (the one-row step at
    // 2 threads on 2 cores: 150-180 tok/s instead of 260-340). A thread of its own takes its
    // pool with it when it ends.
    Loaded l = OwnThread.call("mcp-model-load", () -> load(w));
    embedV = l.embed();
    wqkvV = l.wqkv();
    woV = l.wo();
    wguV = l.wgu();
    wdV = l.wd();
    headV = l.head();
    cosV = l.cos();
    sinV = l.sin();
    dimsV = l.dims();
    epsV = l.eps();
  }

  /** The model's tensors as the script takes them (see the fields). */
  private record Loaded(
      IValue embed,
      IValue wqkv,
      IValue wo,
      IValue wgu,
      IValue wd,
      IValue head,
      IValue cos,
      IValue sin,
      IValue dims,
      IValue eps) {}

  private Loaded load(ModelWeights w) {
    int d = c.hiddenSize();
    int kv = c.kvDim();
    int h = c.intermediateSize();
    int layers = c.numLayers();
    NDArray embed =
        upload(
            w.tensor("model.embed_tokens.weight", c.vocabSize(), d).toFloats(), c.vocabSize(), d);
    NDArray[] wqkv = new NDArray[layers];
    NDArray[] wo = new NDArray[layers];
    NDArray[] wgu = new NDArray[layers];
    NDArray[] wd = new NDArray[layers];
    float qScale = (float) (1.0 / Math.sqrt(c.headDim()));
    for (int l = 0; l < layers; l++) {
      String p = "model.layers." + l + ".";
      float[] n1 = w.tensor(p + "input_layernorm.weight", d).toFloats();
      float[] q = w.tensor(p + "self_attn.q_proj.weight", d, d).toFloats();
      float[] k = w.tensor(p + "self_attn.k_proj.weight", kv, d).toFloats();
      float[] v = w.tensor(p + "self_attn.v_proj.weight", kv, d).toFloats();
      scale(q, qScale);
      float[] fused =
          concat(q, k, rotateHalfRows(q, c.numHeads()), rotateHalfRows(k, c.numKvHeads()), v);
      scaleColumns(fused, n1, d);
      wqkv[l] = uploadTransposed(fused, 2 * (d + kv) + kv, d);
      wo[l] = uploadTransposed(w.tensor(p + "self_attn.o_proj.weight", d, d).toFloats(), d, d);
      float[] n2 = w.tensor(p + "post_attention_layernorm.weight", d).toFloats();
      float[] gu =
          concat(
              w.tensor(p + "mlp.gate_proj.weight", h, d).toFloats(),
              w.tensor(p + "mlp.up_proj.weight", h, d).toFloats());
      scaleColumns(gu, n2, d);
      wgu[l] = uploadTransposed(gu, 2 * h, d);
      wd[l] = uploadTransposed(w.tensor(p + "mlp.down_proj.weight", d, h).toFloats(), d, h);
    }
    float[] head = w.lmHead().toFloats();
    scaleColumns(head, w.tensor("model.norm.weight", d).toFloats(), d);
    NDArray lmHead = uploadTransposed(head, c.vocabSize(), d);

    int hs = c.headDim();
    int half = hs / 2;
    float[] cos = new float[c.maxPositions() * hs];
    float[] sin = new float[c.maxPositions() * hs];
    for (int pos = 0; pos < c.maxPositions(); pos++) {
      for (int i = 0; i < half; i++) {
        double freq = 1.0 / Math.pow(c.ropeTheta(), (2.0 * i) / hs);
        cos[pos * hs + i] = cos[pos * hs + half + i] = (float) Math.cos(pos * freq);
        sin[pos * hs + i] = sin[pos * hs + half + i] = (float) Math.sin(pos * freq);
      }
    }
    IValue headV;
    try (IValue one = weights(lmHead)) {
      headV = one.toIValueArray()[0];
    }
    return new Loaded(
        tensor(embed),
        weights(wqkv),
        weights(wo),
        weights(wgu),
        weights(wd),
        headV,
        tensor(upload(cos, c.maxPositions(), hs)),
        tensor(upload(sin, c.maxPositions(), hs)),
        IValue.listFrom(
            d,
            kv,
            c.numKvHeads(),
            c.numHeads() / c.numKvHeads(),
            hs,
            h,
            c.numHeads() + c.numKvHeads()),
        IValue.from(c.rmsNormEps()));
  }

  /**
   * A list of projection weights as the script takes it, each packed for oneDNN on CPU (F32, bf16)
   * and its F32 upload closed at once, so loading never holds much more than one copy of the
   * weights.
   */
  private IValue weights(NDArray... ws) {
    PtNDArray[] packed = new PtNDArray[ws.length];
    try (NDManager scratch = manager.newSubManager()) {
      for (int i = 0; i < ws.length; i++) {
        packed[i] = pack(ws[i], scratch);
      }
      return IValue.listFrom(packed);
    }
  }

  private PtNDArray pack(NDArray w, NDManager into) {
    try {
      if (packForOneDnn) {
        try {
          return pack(w, into, true);
        } catch (EngineException e) { // a libtorch without oneDNN, or a CPU it cannot serve
          log.warn("oneDNN weight packing unavailable, using plain matmuls: {}", e.getMessage());
          packForOneDnn = false;
        }
      }
      return pack(w, into, false);
    } finally {
      w.close();
    }
  }

  private PtNDArray pack(NDArray w, NDManager into, boolean onednn) {
    try (IValue plain = tensor(w);
        IValue type = IValue.from(scalarType(dtype));
        IValue flag = IValue.from(onednn);
        IValue out = script.call("pack", plain, type, flag)) {
      return out.toTensor((PtNDManager) into);
    }
  }

  private static final long BF16 = 15L; // c10::ScalarType::BFloat16

  private static long scalarType(DataType t) {
    return switch (t) {
      case FLOAT32 -> 6L;
      case FLOAT16 -> 5L;
      case BFLOAT16 -> BF16;
      default -> throw new IllegalArgumentException("unsupported engine type " + t);
    };
  }

  private NDArray upload(float[] values, long rows, long cols) {
    NDArray a = manager.create(FloatBuffer.wrap(values), new Shape(rows, cols), DataType.FLOAT32);
    if (activations != DataType.FLOAT32) {
      NDArray converted = a.toType(activations, false);
      a.close();
      return converted;
    }
    return a;
  }

  /** A [rows, cols] row-major weight uploaded as its transpose, [cols, rows], contiguous. */
  private NDArray uploadTransposed(float[] values, int rows, int cols) {
    float[] t = new float[values.length];
    for (int r = 0; r < rows; r++) {
      for (int i = 0; i < cols; i++) {
        t[i * rows + r] = values[r * cols + i];
      }
    }
    return upload(t, cols, rows);
  }

  private static void scale(float[] w, float s) {
    for (int i = 0; i < w.length; i++) {
      w[i] *= s;
    }
  }

  /** W' = W diag(norm): RMSNorm's weight applied to the projection's input columns. */
  private static void scaleColumns(float[] w, float[] norm, int in) {
    for (int r = 0; r < w.length / in; r++) {
      for (int i = 0; i < in; i++) {
        w[r * in + i] *= norm[i];
      }
    }
  }

  /** Rows of rotate_half(W x): per head, [-second half; first half]. */
  private float[] rotateHalfRows(float[] w, int heads) {
    int hs = c.headDim();
    int half = hs / 2;
    int in = c.hiddenSize();
    float[] r = new float[w.length];
    for (int h = 0; h < heads; h++) {
      for (int j = 0; j < hs; j++) {
        int dst = (h * hs + j) * in;
        int src = (h * hs + (j < half ? j + half : j - half)) * in;
        float sign = j < half ? -1f : 1f;
        for (int i = 0; i < in; i++) {
          r[dst + i] = sign * w[src + i];
        }
      }
    }
    return r;
  }

  private static float[] concat(float[]... parts) {
    int n = 0;
    for (float[] p : parts) {
      n += p.length;
    }
    float[] out = new float[n];
    int o = 0;
    for (float[] p : parts) {
      System.arraycopy(p, 0, out, o, p.length);
      o += p.length;
    }
    return out;
  }

  @Override
  public LlamaConfig config() {
    return c;
  }

  @Override
  public String describe() {
    return "djl-pytorch " + device + " " + dtype + (packForOneDnn ? ", oneDNN-packed weights" : "");
  }

  /**
   * The KV cache of every sequence: per layer one K and one V tensor, [slots, kvHeads, capacity,
   * head]. A sequence owns a slot; each step writes its new keys and values in place at its
   * position, so a decode step attends for the whole batch with one padded matmul per layer instead
   * of growing and attending per sequence. The tensors are views over flat storage (see
   * ensureCapacity for how they grow and shrink).
   */
  private IValue kStore; // per layer flat storage under the caches: it only grows

  private IValue vStore;
  private IValue kCacheV; // per layer K and V, as the script takes them

  private IValue vCacheV;
  private int slotCapacity;
  private int lengthCapacity;
  private final BitSet usedSlots = new BitSet();
  private final List<Seq> live = new ArrayList<>();

  /**
   * Room for {@code slots} slots and rows of {@code length} positions. Rows grow by doubling and
   * shrink to fit once every live sequence fits in a quarter of them, so whole-row attention (bf16)
   * reads few padding rows; both are a copy, within storage that only grows.
   */
  private void ensureCapacity(int slots, int length) {
    int longestLive = length;
    for (Seq s : live) {
      longestLive = Math.max(longestLive, s.pos);
    }
    boolean shrink = lengthCapacity > MIN_ROWS && 4 * longestLive <= lengthCapacity;
    if (slots <= slotCapacity && length <= lengthCapacity && !shrink) {
      return;
    }
    int newSlots =
        slots <= slotCapacity ? slotCapacity : Math.max(4, Math.max(slots, 2 * slotCapacity));
    int newLength = lengthCapacity;
    if (length > lengthCapacity) {
      newLength = Math.min(c.maxPositions(), Math.max(MIN_ROWS, Math.max(length, 2 * newLength)));
    } else if (shrink) {
      int fit = Integer.highestOneBit(Math.max(1, longestLive - 1)) << 1;
      newLength = Math.min(c.maxPositions(), Math.max(MIN_ROWS, fit));
    }
    IValue[] k = resize(kStore, kCacheV, newSlots, newLength);
    IValue[] v = resize(vStore, vCacheV, newSlots, newLength);
    kStore = k[0];
    kCacheV = k[1];
    vStore = v[0];
    vCacheV = v[1];
    slotCapacity = newSlots;
    lengthCapacity = newLength;
  }

  private static final int MIN_ROWS = 64;

  /**
   * The caches at a new size, holding what fits of the old ones: {storage, views}, the old pair
   * closed here.
   */
  private IValue[] resize(IValue store, IValue old, int slots, int length) {
    IValue previousStore = store != null ? store : IValue.listFrom(new PtNDArray[0]);
    IValue previous = old != null ? old : IValue.listFrom(new PtNDArray[0]);
    try (IValue layers = IValue.from((long) c.numLayers());
        IValue shape = IValue.listFrom(slots, c.numKvHeads(), length, c.headDim());
        IValue type = IValue.from(cacheType);
        IValue out = script.call("resize", previousStore, previous, layers, shape, type, embedV)) {
      return out.toIValueTuple();
    } finally {
      previousStore.close();
      previous.close();
    }
  }

  /** Positions each slot's cache rows hold now: they grow and shrink with the live sequences. */
  public int cacheRows() {
    return lengthCapacity;
  }

  /** A sequence: its slot in the shared KV cache and the positions it has used. */
  final class Seq implements Sequence {
    final int slot;
    int pos;
    boolean closed;

    Seq(int slot) {
      this.slot = slot;
    }

    @Override
    public int length() {
      return pos;
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        usedSlots.clear(slot); // stale keys stay behind; the next owner masks them out
        live.remove(this);
      }
    }
  }

  @Override
  public Sequence newSequence() {
    int slot = usedSlots.nextClearBit(0);
    ensureCapacity(slot + 1, 0);
    usedSlots.set(slot);
    Seq s = new Seq(slot);
    live.add(s);
    return s;
  }

  @Override
  public float[][] forward(List<? extends Sequence> seqs, List<int[]> tokens) {
    boolean[] all = new boolean[seqs.size()];
    Arrays.fill(all, true);
    return step(seqs, tokens, all, false).logits();
  }

  @Override
  public Step step(
      List<? extends Sequence> seqs, List<int[]> tokens, boolean[] wantLogits, boolean logProbs) {
    LlamaEngine.checkFits(c, seqs, tokens);
    boolean decoding = tokens.stream().allMatch(t -> t.length == 1);
    if (decoding && !inSlotOrder(seqs)) {
      return stepInSlotOrder(seqs, tokens, wantLogits, logProbs);
    }
    int longest = 0;
    for (int i = 0; i < seqs.size(); i++) {
      longest = Math.max(longest, seqs.get(i).length() + tokens.get(i).length);
    }
    ensureCapacity(slotCapacity, longest);
    try (NDManager step = manager.newSubManager()) {
      NDArray x;
      if (decoding) {
        x = decode(step, seqs, tokens);
      } else {
        // Prompts run one sequence at a time (each its own causal matrix); their last rows join.
        NDList last = new NDList(seqs.size());
        for (int i = 0; i < seqs.size(); i++) {
          last.add(prefill(step, (Seq) seqs.get(i), tokens.get(i)));
        }
        x = last.size() == 1 ? last.get(0) : NDArrays.concat(last, 0);
      }
      return head(step, x, wantLogits, logProbs);
    }
  }

  private static boolean inSlotOrder(List<? extends Sequence> seqs) {
    for (int i = 1; i < seqs.size(); i++) {
      if (((Seq) seqs.get(i - 1)).slot > ((Seq) seqs.get(i)).slot) {
        return false;
      }
    }
    return true;
  }

  /**
   * The step with the batch sorted by cache slot, results in the caller's order: a batch on
   * consecutive slots attends to a view of the cache, whatever order the scheduler admitted it in.
   */
  private Step stepInSlotOrder(
      List<? extends Sequence> seqs, List<int[]> tokens, boolean[] wantLogits, boolean logProbs) {
    int n = seqs.size();
    Integer[] order = new Integer[n];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, Comparator.comparingInt(i -> ((Seq) seqs.get(i)).slot));
    List<Sequence> sortedSeqs = new ArrayList<>(n);
    List<int[]> sortedTokens = new ArrayList<>(n);
    boolean[] sortedWant = new boolean[n];
    for (int k = 0; k < n; k++) {
      sortedSeqs.add(seqs.get(order[k]));
      sortedTokens.add(tokens.get(order[k]));
      sortedWant[k] = wantLogits[order[k]];
    }
    Step sorted = step(sortedSeqs, sortedTokens, sortedWant, logProbs);
    int[] greedy = new int[n];
    float[] logProb = new float[n];
    float[][] logits = new float[n][];
    for (int k = 0; k < n; k++) {
      greedy[order[k]] = sorted.greedy()[k];
      logProb[order[k]] = sorted.greedyLogProb()[k];
      logits[order[k]] = sorted.logits()[k];
    }
    return new Step(greedy, logProb, logits);
  }

  private static IValue tensor(NDArray a) {
    return IValue.from((PtNDArray) a);
  }

  /** Model arguments every forward method takes last, in the script's order. */
  private IValue[] model() {
    return new IValue[] {embedV, cosV, sinV, wqkvV, woV, wguV, wdV, kCacheV, vCacheV, dimsV, epsV};
  }

  /**
   * Runs a script method returning one tensor: {@code owned} are made for this call and closed
   * after it; {@code shared} (weights, caches) live with the engine.
   */
  private NDArray run(NDManager step, String method, IValue[] owned, IValue... shared) {
    IValue[] args = new IValue[owned.length + shared.length];
    System.arraycopy(owned, 0, args, 0, owned.length);
    System.arraycopy(shared, 0, args, owned.length, shared.length);
    try (IValue out = script.call(method, args)) {
      return out.toTensor((PtNDManager) step);
    } finally {
      for (IValue v : owned) {
        v.close();
      }
    }
  }

  /**
   * Logits for the rows of x, with the greedy token and, when {@code logProbs}, its log-probability
   * computed on the native side ([batch] numbers cross JNI); full rows are copied only when a
   * sampler needs them. The log-probs cost a log-softmax over every [rows, vocab] logit (0.4-1.4 ms
   * of a 10 ms 16-row bf16 step of the 15M shape), so a step whose requests show none skips it.
   */
  private Step head(NDManager step, NDArray x, boolean[] wantLogits, boolean logProbs) {
    int rows = wantLogits.length;
    boolean any = false;
    for (boolean w : wantLogits) {
      any |= w;
    }
    IValue[] parts;
    IValue[] owned = {tensor(x), IValue.from(any), IValue.from(logProbs)};
    try (IValue out = script.call("head", owned[0], headV, owned[1], owned[2], epsV)) {
      parts = out.toIValueTuple();
    } finally {
      for (IValue v : owned) {
        v.close();
      }
    }
    try {
      long[] best = parts[0].toTensor((PtNDManager) step).toLongArray();
      float[] logProb = new float[rows];
      if (logProbs) {
        logProb = parts[1].toTensor((PtNDManager) step).toFloatArray();
      } else {
        Arrays.fill(logProb, Float.NaN); // not computed: never a number a client could mistake
      }
      int[] greedy = new int[rows];
      for (int i = 0; i < rows; i++) {
        greedy[i] = (int) best[i];
      }
      float[][] logits = new float[rows][];
      if (any) {
        int v = c.vocabSize();
        float[] flat = parts[2].toTensor((PtNDManager) step).toFloatArray();
        for (int r = 0; r < rows; r++) {
          if (wantLogits[r]) {
            logits[r] = Arrays.copyOfRange(flat, r * v, (r + 1) * v);
          }
        }
      }
      return new Step(greedy, logProb, logits);
    } finally {
      for (IValue p : parts) {
        p.close();
      }
    }
  }

  /** One token for each sequence: the projections and attention run once for the whole batch. */
  private NDArray decode(NDManager step, List<? extends Sequence> seqs, List<int[]> tokens) {
    int b = seqs.size();
    long[] ids = new long[b];
    long[] pos = new long[b];
    long[] slots = new long[b];
    int span = 0; // keys attended: up to the furthest sequence's new token
    boolean contiguous = true; // slots s0, s0+1, ...: the cache slice is a view, no gather
    for (int i = 0; i < b; i++) {
      Seq s = (Seq) seqs.get(i);
      ids[i] = tokens.get(i)[0];
      pos[i] = s.pos;
      slots[i] = s.slot;
      span = Math.max(span, s.pos + 1);
      contiguous &= s.slot == slots[0] + i;
    }
    if (contiguous && cacheType == BF16) {
      // oneDNN takes a batch of keys only as one contiguous block, so a slice narrowed to the span
      // is copied whole in each layer (a third of a 16-row step); whole rows are a view, and their
      // masked tail is short while rows shrink to fit the live sequences (ensureCapacity).
      span = lengthCapacity;
    }
    NDArray x =
        run(
            step,
            "decode",
            new IValue[] {
              tensor(step.create(ids)),
              tensor(step.create(pos)),
              tensor(step.create(slots)),
              IValue.from(contiguous ? slots[0] : -1L),
              IValue.from((long) span)
            },
            model());
    for (Sequence s : seqs) {
      ((Seq) s).pos++;
    }
    return x;
  }

  /**
   * A prompt (or its continuation) for one sequence; returns the hidden state of its last token.
   */
  private NDArray prefill(NDManager step, Seq s, int[] ids) {
    long[] idsLong = new long[ids.length];
    for (int i = 0; i < ids.length; i++) {
      idsLong[i] = ids[i];
    }
    NDArray x =
        run(
            step,
            "prefill",
            new IValue[] {
              tensor(step.create(idsLong)), IValue.from((long) s.pos), IValue.from((long) s.slot)
            },
            model());
    s.pos += ids.length;
    return x;
  }

  @Override
  public void close() {
    for (IValue v :
        new IValue[] {
          embedV, wqkvV, woV, wguV, wdV, headV, cosV, sinV, dimsV, epsV, kCacheV, vCacheV, kStore,
          vStore
        }) {
      if (v != null) {
        v.close();
      }
    }
    script.close();
    manager.close();
  }
}
