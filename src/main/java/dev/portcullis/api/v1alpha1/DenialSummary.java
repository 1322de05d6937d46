package dev.portcullis.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import java.util.List;
import java.util.Objects;

/**
 * What VPC Flow Logs said the group's network interfaces rejected in one read of the flow logs: how
 * many records, and the most frequent kinds, each with its count and its reason.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DenialSummary {
  /** How many kinds of rejection {@link #getTop()} lists at most. */
  public static final int TOP = 5;

  @JsonPropertyDescription(
      "The start of the window the records were read for (RFC 3339): the previous read of the"
          + " flow logs.")
  private String since;

  @JsonPropertyDescription("The end of the window (RFC 3339): the read these counts come from.")
  private String until;

  @JsonPropertyDescription(
      "Flow log records rejected in the window on the network interfaces that carry this group"
          + " (whichever group of the interface decided, and whatever the reason).")
  private Long rejected;

  @JsonPropertyDescription(
      "The most frequent rejections of the window, most first: by direction, protocol,"
          + " destination port and the far side's prefix, each with its count and reason.")
  @Size(max = TOP)
  private List<DeniedFlow> top;

  public DenialSummary() {}

  public DenialSummary(String since, String until, Long rejected, List<DeniedFlow> top) {
    this.since = since;
    this.until = until;
    this.rejected = rejected;
    this.top = top;
  }

  public String getSince() {
    return since;
  }

  public void setSince(String since) {
    this.since = since;
  }

  public String getUntil() {
    return until;
  }

  public void setUntil(String until) {
    this.until = until;
  }

  public Long getRejected() {
    return rejected;
  }

  public void setRejected(Long rejected) {
    this.rejected = rejected;
  }

  public List<DeniedFlow> getTop() {
    return top;
  }

  public void setTop(List<DeniedFlow> top) {
    this.top = top;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DenialSummary d
        && Objects.equals(since, d.since)
        && Objects.equals(until, d.until)
        && Objects.equals(rejected, d.rejected)
        && Objects.equals(top, d.top);
  }

  @Override
  public int hashCode() {
    return Objects.hash(since, until, rejected, top);
  }
}
