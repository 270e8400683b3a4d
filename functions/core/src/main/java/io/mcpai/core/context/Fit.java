package io.mcpai.core.context;

import io.mcpai.core.template.Dialog;
import io.mcpai.core.template.Rendering;
import java.util.List;

/**
 * The result of fitting a dialog into a window.
 *
 * @param dialog the dialog as fed to the template (its input cut when {@code truncation} is set)
 * @param firstKept index of the first history pair kept; pairs before it were dropped
 * @param rendering the template's segments for the kept dialog
 * @param dropped the pairs left out, oldest first
 * @param truncation null unless the input's middle was cut
 */
public record Fit(
    Dialog dialog,
    int firstKept,
    Rendering rendering,
    Budget budget,
    List<Dropped> dropped,
    Truncation truncation) {}
