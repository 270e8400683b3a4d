package io.mcpai.core.tokenizer;

/**
 * A binary heap of entry numbers whose data lives in a subclass's parallel arrays, so the merge
 * loops of both BPE flavours run without boxing or per-candidate objects. The subclass says which
 * entry comes first; that order is what makes each flavour exact.
 */
abstract class IndexHeap {
  private final int[] heap;
  private int size;

  IndexHeap(int capacity) {
    heap = new int[capacity];
  }

  /** Whether entry {@code a} must be taken before entry {@code b}. */
  abstract boolean before(int a, int b);

  final boolean isEmpty() {
    return size == 0;
  }

  final void insert(int entry) {
    int i = size++;
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (!before(entry, heap[parent])) {
        break;
      }
      heap[i] = heap[parent];
      i = parent;
    }
    heap[i] = entry;
  }

  final int removeFirst() {
    int top = heap[0];
    int last = heap[--size];
    int i = 0;
    while (true) {
      int child = 2 * i + 1;
      if (child >= size) {
        break;
      }
      if (child + 1 < size && before(heap[child + 1], heap[child])) {
        child++;
      }
      if (!before(heap[child], last)) {
        break;
      }
      heap[i] = heap[child];
      i = child;
    }
    heap[i] = last;
    return top;
  }
}
