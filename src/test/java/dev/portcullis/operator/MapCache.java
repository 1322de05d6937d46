package dev.portcullis.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * An informer's cache for reconciler tests: resources by id, with the indexes a reconciler adds.
 */
final class MapCache<T extends HasMetadata> implements IndexerResourceCache<T> {
  private final Map<ResourceID, T> resources = new LinkedHashMap<>();
  private final Map<String, Function<T, List<String>>> indexers = new LinkedHashMap<>();

  @Override
  public void addIndexers(Map<String, Function<T, List<String>>> more) {
    indexers.putAll(more);
  }

  T put(T resource) {
    resources.put(ResourceID.fromResource(resource), resource);
    return resource;
  }

  @Override
  public Optional<T> get(ResourceID id) {
    return Optional.ofNullable(resources.get(id));
  }

  @Override
  public Stream<ResourceID> keys() {
    return resources.keySet().stream();
  }

  @Override
  public Stream<T> list(Predicate<T> predicate) {
    return resources.values().stream().filter(predicate);
  }

  @Override
  public Stream<T> list(String namespace, Predicate<T> predicate) {
    return list(r -> Objects.equals(namespace, r.getMetadata().getNamespace())).filter(predicate);
  }

  @Override
  public List<T> byIndex(String index, String key) {
    Function<T, List<String>> indexer = indexers.get(index);
    if (indexer == null) {
      throw new IllegalArgumentException("no index " + index);
    }
    return resources.values().stream().filter(r -> indexer.apply(r).contains(key)).toList();
  }
}
