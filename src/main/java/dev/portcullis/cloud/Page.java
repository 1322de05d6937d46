package dev.portcullis.cloud;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** One page of a describe call; {@code nextToken} is null on the last page. */
public record Page<T>(List<T> items, String nextToken) {
  public Page {
    items = List.copyOf(items);
  }

  /** Every item of a paged describe: {@code page} gets the page after a token (null: the first). */
  public static <T> List<T> all(Function<String, Page<T>> page) {
    List<T> out = new ArrayList<>();
    String token = null;
    do {
      Page<T> p = page.apply(token);
      out.addAll(p.items());
      token = p.nextToken();
    } while (token != null);
    return out;
  }
}
