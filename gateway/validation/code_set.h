#pragma once

#include <string>
#include <vector>

namespace gw {

/// One code of a regional code set, with its labels and the national code it aligns to.
struct Code {
    std::string code;
    std::string finnish;
    std::string english;
    std::string nationalSystem;  ///< OID of the national code system, empty where none exists
    std::string nationalCode;
};

/// A regional code set: schemas/v1/codes/<name>.csv (code;fi;en;national_system;national_code).
class CodeSet {
  public:
    /// Loads `<codeDirectory>/<name>.csv`; throws ConfigError.
    static CodeSet load(const std::string& codeDirectory, const std::string& name);

    const std::vector<Code>& codes() const { return codes_; }
    /// The code's Finnish label, or the code itself when the set does not have it.
    const std::string& finnish(const std::string& code) const;

  private:
    std::vector<Code> codes_;
};

}  // namespace gw
