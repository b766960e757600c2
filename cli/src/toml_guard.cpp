#include "toml_guard.hpp"

#include <cstddef>
#include <vector>

namespace vsmcat {
namespace {

enum class State { kPlain, kComment, kBasic, kLiteral, kMultiBasic, kMultiLiteral };

bool ascii_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool non_ascii(char c) { return static_cast<unsigned char>(c) >= 0x80; }
// Where toml++ ends a bare value (number, date, boolean) it is scanning.
bool value_terminator(char c) {
  return ascii_space(c) || c == ']' || c == '}' || c == ',' || c == '#';
}

// Follows the document as toml++ reads it: strings, comments, keys versus values (with
// arrays and inline tables nested), and bare values, inside which toml++ takes every
// character, quotes included, up to a value terminator.
class Scanner {
 public:
  Scanner(std::string_view doc, const std::string& source) : doc_(doc), source_(source) {}

  vsm::Status run() {
    if (doc_.substr(0, 3) == "\xef\xbb\xbf") advance(3);  // a UTF-8 byte order mark
    while (i_ < doc_.size()) {
      if (auto st = step(); !st) return st;
    }
    return {};
  }

 private:
  vsm::Status fail(std::string_view what) const {
    return vsm::Error::invalid("config '" + source_ + "':" + std::to_string(line_) + ":" +
                               std::to_string(i_ - line_start_ + 1) + ": " + std::string(what));
  }
  bool at(std::string_view s) const { return doc_.substr(i_, s.size()) == s; }
  void advance(std::size_t n = 1) {
    for (; n > 0 && i_ < doc_.size(); --n, ++i_) {
      if (doc_[i_] == '\n') {
        ++line_;
        line_start_ = i_ + 1;
      }
    }
  }
  vsm::Status step();
  vsm::Status plain(char c);
  void structure(char c);
  vsm::Status open_string(char quote);
  vsm::Status close(std::string_view delim);
  vsm::Status after_backslash();

  std::string_view doc_;
  const std::string& source_;
  std::size_t i_ = 0;
  std::size_t line_ = 1;
  std::size_t line_start_ = 0;
  State state_ = State::kPlain;
  bool key_ = true;        // a key comes next (else a value)
  bool bare_ = false;      // inside a bare value
  bool header_ = false;    // inside a [table] header
  bool line_head_ = true;  // nothing but spaces since the line began
  std::vector<char> nest_;  // enclosing '[' (array) and '{' (inline table) of values
};

vsm::Status Scanner::open_string(char quote) {
  const bool multi = at(quote == '"' ? "\"\"\"" : "'''");
  state_ = quote == '"' ? (multi ? State::kMultiBasic : State::kBasic)
                        : (multi ? State::kMultiLiteral : State::kLiteral);
  advance(multi ? 3 : 1);
  return {};
}

// Leaves a multi-line string at its closing delimiter, which may follow up to two quotes
// of its content.
vsm::Status Scanner::close(std::string_view delim) {
  advance(delim.size());
  for (int extra = 0; extra < 2 && i_ < doc_.size() && doc_[i_] == delim[0]; ++extra) advance();
  state_ = State::kPlain;
  return {};
}

// Keys versus values through '=', tables, arrays and inline tables.
void Scanner::structure(char c) {
  const bool head = line_head_;
  line_head_ = c == '\n' || (head && (c == ' ' || c == '\t' || c == '\r'));
  if (c == '\n' && nest_.empty()) {
    key_ = true;
    header_ = false;
  } else if (c == '=' && key_) {
    key_ = false;
  } else if (c == '[' && key_ && nest_.empty() && (head || header_)) {
    header_ = true;  // [table] or [[array.of.tables]]
  } else if ((c == '[' || c == '{') && !key_) {
    nest_.push_back(c);
    key_ = c == '{';
  } else if (c == ']' && header_) {
    header_ = false;
  } else if ((c == ']' || c == '}') && !nest_.empty() && nest_.back() == (c == ']' ? '[' : '{')) {
    nest_.pop_back();
    key_ = false;
  } else if (c == ',' && !nest_.empty()) {
    key_ = nest_.back() == '{';
  } else if (!key_ && !ascii_space(c) && c != ']' && c != '}' && c != ',') {
    bare_ = true;
  }
}

vsm::Status Scanner::plain(char c) {
  if (non_ascii(c)) return fail("non-ASCII character outside a string or comment");
  if (bare_ && !value_terminator(c)) {
    advance();
    return {};
  }
  bare_ = false;
  if (c == '"' || c == '\'') {
    line_head_ = false;
    return open_string(c);
  }
  if (c == '#') {
    state_ = State::kComment;
  } else {
    structure(c);
  }
  advance();
  return {};
}

// In a multi-line basic string, at the character after a backslash: toml++ asks whether
// it is whitespace, and after a line-ending backslash whether each following character
// is, up to the first that is not.
vsm::Status Scanner::after_backslash() {
  const bool continuation = i_ < doc_.size() && ascii_space(doc_[i_]);
  while (i_ < doc_.size() && ascii_space(doc_[i_])) advance();
  if (i_ < doc_.size() && non_ascii(doc_[i_])) {
    return fail("non-ASCII character right after a backslash in a multi-line string; "
                "write it as a \\uXXXX escape");
  }
  if (!continuation) advance();  // the escaped character: '"', '\\', 'n', 'u', ...
  return {};
}

vsm::Status Scanner::step() {
  const char c = doc_[i_];
  switch (state_) {
    case State::kPlain:
      return plain(c);
    case State::kComment:
      if (c == '\n') {
        state_ = State::kPlain;
        return plain(c);
      }
      break;
    case State::kBasic:
      if (c == '\\') {  // the escaped character never ends the string
        advance(2);
        return {};
      }
      if (c == '"' || c == '\n') state_ = State::kPlain;
      break;
    case State::kLiteral:
      if (c == '\'' || c == '\n') state_ = State::kPlain;
      break;
    case State::kMultiBasic:
      if (c == '\\') {
        advance();
        return after_backslash();
      }
      if (at("\"\"\"")) return close("\"\"\"");
      break;
    case State::kMultiLiteral:
      if (at("'''")) return close("'''");
      break;
  }
  advance();
  return {};
}

}  // namespace

vsm::Status check_toml_text(std::string_view document, const std::string& source) {
  return Scanner(document, source).run();
}

}  // namespace vsmcat
