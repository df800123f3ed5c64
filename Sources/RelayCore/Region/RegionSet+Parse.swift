/// Parsing region files from their text (reading them from disk is `RegionSet.load` in RelaySystem).
extension RegionSet {
    /// Parses the text of one region file; `file` names it in errors and its name must be `<id>.yaml`.
    public static func parse(yaml: String, file: String) throws(ConfigFileError) -> Region {
        try RegionFileParser(file: file).parse(yaml)
    }
}
