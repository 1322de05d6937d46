package dev.portcullis.operator;

import dev.portcullis.api.v1alpha1.AbstractRule;
import dev.portcullis.sync.Canon;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The informers' store: each resource as {@code compact} leaves it, under its {@code
 * namespace/name} key. JOSDK's {@code TransformingItemStore} does the same but puts the name and
 * namespace strings the resource arrived with back after the transformation, which would undo the
 * sharing of those strings ({@link CacheCompaction}); and Fabric8 makes a new key string on every
 * update, kept by the store and again by the namespace index. Here the key is interned, so each
 * resource has one.
 *
 * <p>Equal rules of different resources are shared through one {@link Canon}. It keeps the rules of
 * resources that changed or went, so once it holds twice as many rules as the cache used when it
 * was last made (and a thousand more), it is made anew from the rules the cache holds now.
 */
final class CompactItemStore<R extends HasMetadata> implements ItemStore<R> {
  static final int SLACK = 1_000;

  private final BiFunction<R, Canon<AbstractRule>, R> compact;
  private final Function<R, Stream<AbstractRule>> sharedRules;
  private final Consumer<? super R> removed;
  private final ConcurrentHashMap<String, R> store = new ConcurrentHashMap<>();
  private Canon<AbstractRule> rules = new Canon<>();
  private int rulesInUse;

  /**
   * @param compact makes a resource as the cache keeps it, sharing rules through the canon given
   * @param sharedRules the rules a compacted resource shares
   */
  CompactItemStore(
      BiFunction<R, Canon<AbstractRule>, R> compact,
      Function<R, Stream<AbstractRule>> sharedRules) {
    this(compact, sharedRules, r -> {});
  }

  /**
   * As {@link #CompactItemStore(BiFunction, Function)}; {@code removed} is told of each resource
   * that leaves the store (it was deleted, or a relist no longer holds it).
   */
  CompactItemStore(
      BiFunction<R, Canon<AbstractRule>, R> compact,
      Function<R, Stream<AbstractRule>> sharedRules,
      Consumer<? super R> removed) {
    this.compact = compact;
    this.sharedRules = sharedRules;
    this.removed = removed;
  }

  @Override
  public String getKey(R obj) {
    return Cache.metaNamespaceKeyFunc(obj).intern();
  }

  @Override
  public synchronized R put(String key, R obj) {
    R old = store.put(key, compact.apply(obj, rules));
    if (rules.size() > 2 * rulesInUse + SLACK) {
      Canon<AbstractRule> fresh = new Canon<>();
      store.values().forEach(r -> sharedRules.apply(r).forEach(fresh::intern));
      rules = fresh;
      rulesInUse = fresh.size();
    }
    return old;
  }

  @Override
  public R remove(String key) {
    R old = store.remove(key);
    if (old != null) {
      removed.accept(old);
    }
    return old;
  }

  @Override
  public Stream<String> keySet() {
    return store.keySet().stream();
  }

  @Override
  public Stream<R> values() {
    return store.values().stream();
  }

  @Override
  public R get(String key) {
    return store.get(key);
  }

  @Override
  public int size() {
    return store.size();
  }

  @Override
  public boolean isFullState() {
    return false;
  }
}
