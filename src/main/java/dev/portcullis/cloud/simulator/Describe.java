package dev.portcullis.cloud.simulator;

import dev.portcullis.cloud.Page;
import java.util.List;
import java.util.NavigableMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The one shape of {@link Ec2Api}'s describe calls: check the page size, compile the filters, read
 * the token, check the ids the request names, then page what is named and matches every filter.
 * Each step throws EC2's error in that order, as EC2 checks.
 */
final class Describe {
  private Describe() {}

  /**
   * A kind of resource a describe lists: the kind its tokens carry, its filters, the id a request
   * names it by, and the page sizes its action takes.
   */
  record Listing<T>(
      String kind, Ec2Filters<T> filters, Function<T, String> idOf, int minPage, int maxPage) {
    Listing(String kind, Ec2Filters<T> filters, Function<T, String> idOf) {
      this(kind, filters, idOf, Pagination.MIN_PAGE, Pagination.MAX_PAGE);
    }
  }

  /**
   * One page of {@code all} (ordered by key): what {@code also} keeps, the query names (or all) and
   * every filter matches. {@code checkIds} refuses ids that are malformed or missing.
   */
  static <T, R> Page<R> describe(
      Listing<T> listing,
      RegionState r,
      Ec2Api.Query q,
      Consumer<List<String>> checkIds,
      NavigableMap<String, T> all,
      Predicate<T> also,
      Function<T, R> view) {
    Pagination.checkMaxResults(q.maxResults(), listing.minPage(), listing.maxPage());
    Ec2Filters.Compiled<T> f = listing.filters().compile(q.filters());
    String after = Pagination.decodeToken(q.nextToken(), listing.kind(), r.name);
    checkIds.accept(q.ids());
    return Pagination.page(
        all,
        after,
        q.maxResults(),
        t ->
            also.test(t)
                && (q.ids().isEmpty() || q.ids().contains(listing.idOf().apply(t)))
                && f.matches(t),
        view,
        last -> Pagination.encodeToken(listing.kind(), r.name, last));
  }
}
