"""Write plotly-styles.css: the CSS rules the Plotly bundle would inject as an inline <style>.

Plotly skips its injection when an element with id "plotly.js-style-global" and the class
"no-inline-styles" exists; the site's <link> to this file is that element, so the
Content-Security-Policy can forbid inline <style> elements. Rerun after updating the bundle:

    python static/vendor/plotly/extract_css.py
"""

import json
import re
import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent
bundle = (HERE / "plotly-basic.min.js").read_text(encoding="utf-8")
start = bundle.index('{"X,X div"')
end = bundle.index("};for(", start) + 1
# The object literal mixes quote styles, so let Node read it as JavaScript.
rules = json.loads(
    subprocess.run(
        ["node", "-e", f"process.stdout.write(JSON.stringify({bundle[start:end]}))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
)
lines = ["/* Extracted from plotly-basic.min.js by extract_css.py; do not edit. */"]
for selector, body in rules.items():
    selector = re.sub(r"^,", " ,", selector)
    selector = selector.replace("X", ".js-plotly-plot .plotly").replace("Y", ".plotly-notifier")
    lines.append(f"{selector}{{{body}}}")
(HERE / "plotly-styles.css").write_text("\n".join(lines) + "\n", encoding="utf-8")
print(f"{len(rules)} rules written to plotly-styles.css")
