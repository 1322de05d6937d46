package dev.portcullis.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * The informers' store: each resource as {@code compact} leaves it, under its {@code
 * namespace/name} key. JOSDK's {@code TransformingItemStore} does the same but puts the name and
 * namespace strings the resource arrived with back after the transformation, which would undo the
 * sharing of those strings ({@link CacheCompaction}); and Fabric8 makes a new key string on every
 * update, kept by the store and again by the namespace index. Here the key is interned, so each
 * resource has one.
 */
final class CompactItemStore<R extends HasMetadata> implements ItemStore<R> {
  private final UnaryOperator<R> compact;
  private final ConcurrentHashMap<String, R> store = new ConcurrentHashMap<>();

  CompactItemStore(UnaryOperator<R> compact) {
    this.compact = compact;
  }

  @Override
  public String getKey(R obj) {
    return Cache.metaNamespaceKeyFunc(obj).intern();
  }

  @Override
  public R put(String key, R obj) {
    return store.put(key, compact.apply(obj));
  }

  @Override
  public R remove(String key) {
    return store.remove(key);
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
