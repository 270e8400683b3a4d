package io.mcpai.inference.engine;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * Runs work on a fresh thread that ends with it, and hands back its result or its exception.
 * libtorch's OpenMP runtime (libgomp) keeps a pool of worker threads for every thread that starts
 * parallel work; libtorch work done once, off the thread that serves requests (loading a model, a
 * benchmark's side measurement), should not leave a second pool behind to compete with that
 * thread's own.
 */
public final class OwnThread {
  private OwnThread() {}

  public static <T> T call(String name, Callable<T> work) {
    FutureTask<T> task = new FutureTask<>(work);
    Thread t = new Thread(task, name);
    t.start();
    boolean interrupted = false;
    while (t.isAlive()) { // till the thread has ended, its pool with it
      try {
        t.join();
      } catch (InterruptedException e) {
        interrupted = true; // the work cannot be abandoned half done: wait for it
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    try {
      return task.get();
    } catch (InterruptedException e) {
      throw new IllegalStateException("unreachable: the task is done", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(name + " failed", e.getCause());
    }
  }
}
