// A pre-check of TOML documents for toml++ 3.3.0 (Debian bookworm), whose whitespace
// lookup reaches __builtin_unreachable() (undefined behaviour) for many non-ASCII code
// points (toml++ issues #190 and #295, fixed upstream after 3.3.0): it is asked about
// every character outside strings and comments, and in a multi-line basic string about
// the character after a backslash and after a line-ending backslash's whitespace.
// TOML allows non-ASCII characters only inside strings and comments, so refusing the
// rest first changes no valid document except that rare escape case, and there a
// \uXXXX escape says the same. The check follows the document's structure as toml++
// does, since toml++ reads a bare value (say, a malformed number) up to a space, ']',
// '}', ',' or '#', quotes included. Found by the node_config_toml fuzz target.
// Thread-safety: pure function.
#pragma once

#include <string>
#include <string_view>

#include "vsm/result.hpp"

namespace vsmcat {

// kInvalid "config '<source>':LINE:COLUMN: ..." for a non-ASCII byte outside strings and
// comments, or right after a backslash (and its whitespace) in a multi-line basic string;
// OK otherwise (other syntax errors are left to the TOML parser).
vsm::Status check_toml_text(std::string_view document, const std::string& source);

}  // namespace vsmcat
