#pragma once

#include <optional>
#include <string>
#include <unordered_map>

namespace gw {

/// A municipality's local codes and the regional code each one maps to, read from a
/// `local;regional` CSV file under mappings/codes/, with its policy for codes it does not know.
class CodeTable {
  public:
    enum class UnmappedPolicy { Reject, MapToUnknown };

    /// Loads `path`; throws ConfigError when the file is missing or malformed.
    static CodeTable load(const std::string& name, const std::string& path, UnmappedPolicy policy,
                          std::string unknownCode);

    const std::string& name() const { return name_; }
    UnmappedPolicy policy() const { return policy_; }
    const std::string& unknownCode() const { return unknownCode_; }

    /// The regional code for a local one, or nullptr when the table has none.
    const std::string* find(const std::string& localCode) const;

  private:
    std::string name_;
    UnmappedPolicy policy_ = UnmappedPolicy::Reject;
    std::string unknownCode_;
    std::unordered_map<std::string, std::string> codes_;
};

}  // namespace gw
