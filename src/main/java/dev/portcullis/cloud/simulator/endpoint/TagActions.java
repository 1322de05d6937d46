package dev.portcullis.cloud.simulator.endpoint;

import dev.portcullis.cloud.simulator.Ec2Api;
import java.util.Set;

/** Tags: CreateTags and DeleteTags, on security groups and instances. */
final class TagActions {
  private TagActions() {}

  static void register(Actions actions, Ec2Api api) {
    actions
        .add(
            "CreateTags",
            Set.of("ResourceId", "Tag"),
            (region, req, out) -> {
              api.createTags(region, req.list("ResourceId"), req.tags("Tag"));
              out.leaf("return", true);
            })
        .add(
            "DeleteTags",
            Set.of("ResourceId", "Tag"),
            (region, req, out) -> {
              // a tag without a value goes whatever its value; no tag at all removes every tag
              api.deleteTags(region, req.list("ResourceId"), req.tags("Tag"));
              out.leaf("return", true);
            });
  }
}
