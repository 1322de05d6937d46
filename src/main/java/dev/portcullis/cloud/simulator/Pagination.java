package dev.portcullis.cloud.simulator;

import dev.portcullis.cloud.Page;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * How the simulator's describe calls page, as EC2's do: {@code maxResults} from 5 to 1000 (none
 * means everything in one page), and an opaque {@code nextToken} that says where the previous page
 * ended and is good only for the action and region that issued it.
 */
final class Pagination {
  static final int MIN_PAGE = 5;
  static final int MAX_PAGE = 1000;
  private static final String TOKEN_VERSION = "sim1";

  private Pagination() {}

  /**
   * One page of {@code all} (ordered by id), starting after the id {@code after}: at most {@code
   * maxResults} items that {@code keep} accepts, and a token for the rest when there is more.
   */
  static <T, R> Page<R> page(
      NavigableMap<String, T> all,
      String after,
      Integer maxResults,
      Predicate<T> keep,
      Function<T, R> view,
      Function<String, String> token) {
    NavigableMap<String, T> from = after == null ? all : all.tailMap(after, false);
    List<R> items = new ArrayList<>();
    int limit = maxResults == null ? Integer.MAX_VALUE : maxResults;
    String last = null;
    for (Map.Entry<String, T> e : from.entrySet()) {
      if (!keep.test(e.getValue())) {
        continue;
      }
      if (items.size() == limit) {
        return new Page<>(items, token.apply(last));
      }
      items.add(view.apply(e.getValue()));
      last = e.getKey();
    }
    return new Page<>(items, null);
  }

  /** Refuses a {@code maxResults} outside 5-1000, as EC2 does. */
  static void checkMaxResults(Integer maxResults) {
    checkMaxResults(maxResults, MIN_PAGE, MAX_PAGE);
  }

  /** Refuses a {@code maxResults} outside {@code min}-{@code max} (some actions page otherwise). */
  static void checkMaxResults(Integer maxResults, int min, int max) {
    if (maxResults != null && (maxResults < min || maxResults > max)) {
      throw Ec2Errors.invalidParameterValue(
          "Value ("
              + maxResults
              + ") for parameter maxResults is invalid: expecting a value from "
              + min
              + " to "
              + max);
    }
  }

  /** Tokens carry where the previous page ended; they are bound to the action and region. */
  static String encodeToken(String kind, String region, String lastId) {
    String raw = TOKEN_VERSION + "|" + kind + "|" + region + "|" + lastId;
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(raw.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The id the previous page ended at (null for the first page, without a token); refuses a token
   * this action and region did not issue.
   */
  static String decodeToken(String token, String kind, String region) {
    if (token == null) {
      return null;
    }
    String raw;
    try {
      raw = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw Ec2Errors.paginationToken();
    }
    String[] parts = raw.split("\\|", -1);
    if (parts.length != 4
        || !parts[0].equals(TOKEN_VERSION)
        || !parts[1].equals(kind)
        || !parts[2].equals(region)
        || parts[3].isEmpty()) {
      throw Ec2Errors.paginationToken();
    }
    return parts[3];
  }
}
